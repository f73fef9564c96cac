"use client";

import { type ReactNode, useActionState } from "react";
import { FormAlert } from "@/components/ui/form-alert";
import { type FormState, IDLE } from "@/lib/form-state";

/**
 * A form for one workspace action (its fields and buttons are `children`), with the answer
 * beside it: the refusal ("the last owner cannot…") or what was done.
 */
export function ActionForm({
  action,
  fields,
  children,
  className = "flex flex-wrap items-center gap-2",
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  fields: Record<string, string>;
  children: ReactNode;
  className?: string;
}) {
  const [state, formAction] = useActionState(action, IDLE);
  return (
    <div className="space-y-2">
      <form action={formAction} className={className} noValidate>
        {Object.entries(fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {children}
      </form>
      {state.message && (
        <FormAlert tone={state.status === "error" ? "error" : "success"}>{state.message}</FormAlert>
      )}
    </div>
  );
}
