"use client";

import { useActionState, useId } from "react";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { type FormState, IDLE } from "@/lib/form-state";
import { cancelWorkspaceSubscriptionAction, resumeWorkspaceSubscriptionAction } from "./actions";

function Outcome({ state }: { state: FormState }) {
  if (state.status === "idle" || !state.message) return null;
  return (
    <FormAlert tone={state.status === "error" ? "error" : "success"}>{state.message}</FormAlert>
  );
}

/**
 * A site admin's actions on a workspace's live subscription: resume a scheduled end, or end it
 * at the period end; ending it now asks for a confirmation first (nothing is refunded).
 */
export function SubscriptionActions({
  workspaceId,
  scheduledToEnd,
}: {
  workspaceId: string;
  /** The subscription is already set to end (at the period end or on a date). */
  scheduledToEnd: boolean;
}) {
  const [cancelState, cancel] = useActionState(cancelWorkspaceSubscriptionAction, IDLE);
  const [resumeState, resume] = useActionState(resumeWorkspaceSubscriptionAction, IDLE);
  const confirmId = useId();
  return (
    <div className="space-y-3" data-testid="admin-subscription-actions">
      <Outcome state={cancelState} />
      <Outcome state={resumeState} />
      <div className="flex flex-wrap items-start gap-4">
        {scheduledToEnd ? (
          <form action={resume}>
            <input type="hidden" name="workspaceId" value={workspaceId} />
            <SubmitButton variant="secondary" pendingLabel="Resuming…">
              Resume the subscription
            </SubmitButton>
          </form>
        ) : (
          <form action={cancel}>
            <input type="hidden" name="workspaceId" value={workspaceId} />
            <input type="hidden" name="when" value="period_end" />
            <SubmitButton variant="secondary" pendingLabel="Scheduling…">
              End at the period end
            </SubmitButton>
          </form>
        )}
        <form action={cancel} className="flex flex-wrap items-center gap-3">
          <input type="hidden" name="workspaceId" value={workspaceId} />
          <input type="hidden" name="when" value="now" />
          <span className="flex items-center gap-2 text-sm text-slate-700">
            <input id={confirmId} type="checkbox" name="confirm" required className="size-4" />
            <label htmlFor={confirmId}>End it now, without a refund</label>
          </span>
          <SubmitButton variant="danger" pendingLabel="Ending…">
            End now
          </SubmitButton>
        </form>
      </div>
    </div>
  );
}
