"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { IDLE } from "@/lib/form-state";
import { signUpAction } from "./actions";

export function SignUpForm({
  callbackUrl,
  passwordMinLength,
  email,
}: {
  callbackUrl: string;
  passwordMinLength: number;
  /** The address to start with, e.g. the one an invitation was sent to. */
  email?: string | undefined;
}) {
  const [state, action] = useActionState(signUpAction, IDLE);
  return (
    <form action={action} className="space-y-4" noValidate>
      {state.message && <FormAlert tone="error">{state.message}</FormAlert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field
        label="Name (optional)"
        name="name"
        autoComplete="name"
        defaultValue={state.values?.name}
        error={state.fieldErrors?.name}
      />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values?.email ?? email}
        error={state.fieldErrors?.email}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={passwordMinLength}
        hint={`At least ${passwordMinLength} characters.`}
        error={state.fieldErrors?.password}
      />
      <SubmitButton pendingLabel="Creating your account…" className="w-full">
        Create account
      </SubmitButton>
    </form>
  );
}
