"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { IDLE } from "@/lib/form-state";
import { setPasswordAction } from "./actions";

/** Set a first password (`hasPassword` false) or change it, which asks for the current one. */
export function PasswordForm({
  hasPassword,
  passwordMinLength,
}: {
  hasPassword: boolean;
  passwordMinLength: number;
}) {
  const [state, action] = useActionState(setPasswordAction, IDLE);
  return (
    <section aria-labelledby="password-heading" className="mt-10 max-w-xl">
      <h2 id="password-heading" className="text-lg font-semibold text-slate-900">
        {hasPassword ? "Change your password" : "Set a password"}
      </h2>
      {!hasPassword && (
        <p className="mt-1 text-sm text-slate-600">
          Your account has no password: you sign in with a sign-in link or another provider. Set one
          to sign in with your email and password too.
        </p>
      )}
      <form action={action} className="mt-4 space-y-4" noValidate>
        {state.message && (
          <FormAlert tone={state.status === "error" ? "error" : "success"}>
            {state.message}
          </FormAlert>
        )}
        {hasPassword && (
          <Field
            label="Current password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            error={state.fieldErrors?.currentPassword}
          />
        )}
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={passwordMinLength}
          hint={`At least ${passwordMinLength} characters`}
          error={state.fieldErrors?.newPassword}
        />
        <SubmitButton pendingLabel="Saving…">
          {hasPassword ? "Change password" : "Set password"}
        </SubmitButton>
      </form>
    </section>
  );
}
