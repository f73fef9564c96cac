"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { IDLE } from "@/lib/form-state";
import { updateWorkspaceAction } from "./actions";

export function WorkspaceForm({
  slug,
  name,
  personal,
}: {
  slug: string;
  name: string;
  personal: boolean;
}) {
  const [state, action] = useActionState(updateWorkspaceAction, IDLE);
  return (
    <form action={action} className="space-y-4" noValidate>
      {state.message && (
        <FormAlert tone={state.status === "error" ? "error" : "success"}>{state.message}</FormAlert>
      )}
      <input type="hidden" name="slug" value={slug} />
      <Field
        label="Name"
        name="name"
        required
        maxLength={80}
        defaultValue={state.values?.name ?? name}
        error={state.fieldErrors?.name}
      />
      {personal ? (
        <input type="hidden" name="newSlug" value="" />
      ) : (
        <Field
          label="Address"
          name="newSlug"
          required
          maxLength={48}
          hint="Lower-case letters, digits and dashes: the workspace's pages live at /w/<address>."
          defaultValue={state.values?.newSlug ?? slug}
          error={state.fieldErrors?.newSlug}
        />
      )}
      <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
    </form>
  );
}
