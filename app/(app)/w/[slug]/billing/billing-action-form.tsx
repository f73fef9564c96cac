"use client";

import { useActionState } from "react";
import type { ButtonVariant } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { type FormState, IDLE } from "@/lib/form-state";

/** A one-button form for a billing action, with its pending label and its error beside it. */
export function BillingActionForm({
  action,
  label,
  pendingLabel,
  fields = {},
  variant = "primary",
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  label: string;
  pendingLabel: string;
  fields?: Record<string, string>;
  variant?: ButtonVariant;
}) {
  const [state, formAction] = useActionState(action, IDLE);
  return (
    <form action={formAction} className="flex flex-col gap-2">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton pendingLabel={pendingLabel} variant={variant}>
        {label}
      </SubmitButton>
      {state.status === "error" && state.message && (
        <FormAlert tone="error">{state.message}</FormAlert>
      )}
    </form>
  );
}
