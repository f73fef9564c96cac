"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { IDLE } from "@/lib/form-state";
import { acceptInvitationAction, resendInvitationVerificationAction } from "./actions";

export function AcceptInvitationForm({
  token,
  workspaceName,
}: {
  token: string;
  workspaceName: string;
}) {
  const [state, action] = useActionState(acceptInvitationAction, IDLE);
  return (
    <form action={action} className="space-y-4">
      {state.message && <FormAlert tone="error">{state.message}</FormAlert>}
      <input type="hidden" name="token" value={token} />
      <SubmitButton pendingLabel="Joining…" className="w-full">
        Accept and join {workspaceName}
      </SubmitButton>
    </form>
  );
}

export function ResendVerificationForm({ token }: { token: string }) {
  const [state, action] = useActionState(resendInvitationVerificationAction, IDLE);
  return (
    <form action={action} className="mt-3 space-y-3">
      <input type="hidden" name="token" value={token} />
      <SubmitButton variant="secondary" pendingLabel="Sending…">
        Send the link again
      </SubmitButton>
      {state.message && (
        <FormAlert tone={state.status === "error" ? "error" : "success"}>{state.message}</FormAlert>
      )}
    </form>
  );
}
