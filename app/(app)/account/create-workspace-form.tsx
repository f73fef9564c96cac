"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { IDLE } from "@/lib/form-state";
import { createWorkspaceAction } from "./actions";

/** Name and optional address of a new team workspace; errors beside their fields. */
export function CreateWorkspaceForm() {
  const [state, action] = useActionState(createWorkspaceAction, IDLE);
  return (
    <section aria-labelledby="create-workspace-heading" className="mt-6 max-w-xl">
      <h3 id="create-workspace-heading" className="text-base font-semibold text-slate-900">
        Create workspace
      </h3>
      <p className="mt-1 text-sm text-slate-600">
        A workspace is a team with its own plan, invoices, usage and API keys. You are its owner.
      </p>
      <form action={action} className="mt-4 space-y-4" noValidate>
        {state.message && <FormAlert tone="error">{state.message}</FormAlert>}
        <Field
          label="Name"
          name="name"
          required
          maxLength={80}
          placeholder="e.g. Acme"
          defaultValue={state.values?.name}
          error={state.fieldErrors?.name}
        />
        <Field
          label="Address (optional)"
          name="slug"
          maxLength={48}
          placeholder="acme"
          hint="Lower-case letters, digits and dashes; made from the name when left empty. The workspace lives at /w/<address>."
          defaultValue={state.values?.slug}
          error={state.fieldErrors?.slug}
        />
        <SubmitButton pendingLabel="Creating…">Create workspace</SubmitButton>
      </form>
    </section>
  );
}
