"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { IDLE } from "@/lib/form-state";
import { resendVerificationAction } from "./actions";

/** "Verify your email": the account works meanwhile; a listed admin becomes admin only after. */
export function VerifyEmailNotice({ email }: { email: string }) {
  const [state, action] = useActionState(resendVerificationAction, IDLE);
  return (
    <section
      aria-labelledby="verify-email-heading"
      className="mt-6 max-w-xl rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    >
      <h2 id="verify-email-heading" className="font-semibold">
        Verify your email
      </h2>
      <p className="mt-1">
        We sent a link to <span className="font-medium">{email}</span>. Open it while signed in here
        to confirm the address is yours.
      </p>
      <form action={action} className="mt-3">
        <SubmitButton variant="secondary" pendingLabel="Sending…">
          Send the link again
        </SubmitButton>
      </form>
      {state.message && (
        <div className="mt-3">
          <FormAlert tone={state.status === "error" ? "error" : "success"}>
            {state.message}
          </FormAlert>
        </div>
      )}
    </section>
  );
}
