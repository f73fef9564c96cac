"use client";

import { createContext, type ReactNode, use, useActionState, useState } from "react";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { type FormState, IDLE } from "@/lib/form-state";

/**
 * A button on each row of an admin list that runs a server action on that row (Replay an
 * event, Retry a job). The outcome of the latest one is shown above the list rather than in
 * its row: the row usually leaves the list once the action worked.
 */
const ReportOutcome = createContext<(state: FormState) => void>(() => {});

export function RowActionOutcome({ children, testId }: { children: ReactNode; testId: string }) {
  const [outcome, setOutcome] = useState<FormState>(IDLE);
  return (
    <ReportOutcome value={setOutcome}>
      {outcome.status !== "idle" && outcome.message && (
        <div className="mb-4" data-testid={testId}>
          <FormAlert tone={outcome.status === "error" ? "error" : "success"}>
            {outcome.message}
          </FormAlert>
        </div>
      )}
      {children}
    </ReportOutcome>
  );
}

export interface RowActionFormProps {
  action: (previous: FormState, formData: FormData) => Promise<FormState>;
  /** The row's hidden fields. */
  fields: Readonly<Record<string, string>>;
  label: string;
  pendingLabel: string;
  /** Read after the label by screen readers: which row ("event evt_…"). */
  what: string;
}

export function RowActionForm({ action, fields, label, pendingLabel, what }: RowActionFormProps) {
  const report = use(ReportOutcome);
  const [, run] = useActionState(async (previous: FormState, formData: FormData) => {
    const next = await action(previous, formData);
    report(next);
    return next;
  }, IDLE);
  return (
    <form action={run}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton variant="secondary" pendingLabel={pendingLabel} className="whitespace-nowrap">
        {label}
        <span className="sr-only"> {what}</span>
      </SubmitButton>
    </form>
  );
}
