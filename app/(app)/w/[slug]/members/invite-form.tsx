"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { IDLE } from "@/lib/form-state";
import { inviteAction } from "./actions";

export function InviteForm({ slug }: { slug: string }) {
  const [state, action] = useActionState(inviteAction, IDLE);
  const roleError = state.fieldErrors?.role;
  return (
    <div className="space-y-3">
      {state.message && (
        <FormAlert tone={state.status === "error" ? "error" : "success"}>{state.message}</FormAlert>
      )}
      <form action={action} className="flex flex-col gap-3 sm:flex-row sm:items-end" noValidate>
        <input type="hidden" name="slug" value={slug} />
        <div className="sm:w-80">
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="off"
            required
            maxLength={320}
            defaultValue={state.status === "error" ? state.values?.email : undefined}
            error={state.fieldErrors?.email}
          />
        </div>
        <div>
          <label htmlFor="field-role" className="block text-sm font-medium text-slate-800">
            Role
          </label>
          <select
            id="field-role"
            name="role"
            defaultValue={state.values?.role || "member"}
            aria-invalid={roleError ? true : undefined}
            aria-describedby={roleError ? "field-role-error" : undefined}
            className="mt-1 block rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm"
          >
            <option value="member">Member</option>
            <option value="admin">Admin</option>
          </select>
          {roleError && (
            <p id="field-role-error" className="mt-1 text-sm text-red-700">
              {roleError}
            </p>
          )}
        </div>
        <SubmitButton pendingLabel="Inviting…">Send invitation</SubmitButton>
      </form>
    </div>
  );
}
