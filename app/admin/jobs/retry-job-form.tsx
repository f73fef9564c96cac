"use client";

import { createContext, type ReactNode, use, useActionState, useState } from "react";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { type FormState, IDLE } from "@/lib/form-state";
import { retryJobAction } from "./actions";

/**
 * The outcome of the latest retry is shown above the list rather than in its row: a retried
 * job is not dead any more, and leaves the list with its row.
 */
const ReportOutcome = createContext<(state: FormState) => void>(() => {});

export function RetryOutcome({ children }: { children: ReactNode }) {
  const [outcome, setOutcome] = useState<FormState>(IDLE);
  return (
    <ReportOutcome value={setOutcome}>
      {outcome.status !== "idle" && outcome.message && (
        <div className="mb-4" data-testid="retry-outcome">
          <FormAlert tone={outcome.status === "error" ? "error" : "success"}>
            {outcome.message}
          </FormAlert>
        </div>
      )}
      {children}
    </ReportOutcome>
  );
}

/** The Retry button of one dead job. */
export function RetryJobForm({ queue, jobId }: { queue: string; jobId: string }) {
  const report = use(ReportOutcome);
  const [, action] = useActionState(async (previous: FormState, formData: FormData) => {
    const next = await retryJobAction(previous, formData);
    report(next);
    return next;
  }, IDLE);
  return (
    <form action={action}>
      <input type="hidden" name="queue" value={queue} />
      <input type="hidden" name="jobId" value={jobId} />
      <SubmitButton variant="secondary" pendingLabel="Retrying…" className="whitespace-nowrap">
        Retry<span className="sr-only"> job {jobId}</span>
      </SubmitButton>
    </form>
  );
}
