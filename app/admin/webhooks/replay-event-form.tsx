"use client";

import { createContext, type ReactNode, use, useActionState, useState } from "react";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { type FormState, IDLE } from "@/lib/form-state";
import { replayWebhookEventAction } from "./actions";

/**
 * The outcome of the latest replay is shown above the table rather than in its row: a replayed
 * event usually leaves the "failed" filter, and its row with it.
 */
const ReportOutcome = createContext<(state: FormState) => void>(() => {});

export function ReplayOutcome({ children }: { children: ReactNode }) {
  const [outcome, setOutcome] = useState<FormState>(IDLE);
  return (
    <ReportOutcome value={setOutcome}>
      {outcome.status !== "idle" && outcome.message && (
        <div className="mb-4" data-testid="replay-outcome">
          <FormAlert tone={outcome.status === "error" ? "error" : "success"}>
            {outcome.message}
          </FormAlert>
        </div>
      )}
      {children}
    </ReportOutcome>
  );
}

/** The Replay button of one ledger event. */
export function ReplayEventForm({ eventId }: { eventId: string }) {
  const report = use(ReportOutcome);
  const [, action] = useActionState(async (previous: FormState, formData: FormData) => {
    const next = await replayWebhookEventAction(previous, formData);
    report(next);
    return next;
  }, IDLE);
  return (
    <form action={action}>
      <input type="hidden" name="eventId" value={eventId} />
      <SubmitButton variant="secondary" pendingLabel="Replaying…" className="whitespace-nowrap">
        Replay<span className="sr-only"> event {eventId}</span>
      </SubmitButton>
    </form>
  );
}
