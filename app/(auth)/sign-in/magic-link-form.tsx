"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { IDLE } from "@/lib/form-state";
import { magicLinkAction } from "./actions";

export function MagicLinkForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action] = useActionState(magicLinkAction, IDLE);
  return (
    <form action={action} className="space-y-3" noValidate aria-label="Email me a sign-in link">
      {state.message && <FormAlert tone="error">{state.message}</FormAlert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field
        label="Email for a sign-in link"
        name="email"
        id="magic-link-email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email}
      />
      <SubmitButton pendingLabel="Sending…" variant="secondary" className="w-full">
        Email me a sign-in link
      </SubmitButton>
    </form>
  );
}
