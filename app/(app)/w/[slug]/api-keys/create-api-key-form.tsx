"use client";

import { useActionState, useState } from "react";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { IDLE } from "@/lib/form-state";
import { createApiKeyAction } from "./actions";

export function CreateApiKeyForm({ slug }: { slug: string }) {
  const [state, action] = useActionState(createApiKeyAction, IDLE);
  const [copied, setCopied] = useState(false);
  const key = state.status === "success" ? state.values?.key : undefined;

  return (
    <div className="space-y-4">
      {key && (
        <FormAlert tone="success">
          <p className="font-semibold">
            Key “{state.values?.name}” created. Copy it now: it will not be shown again.
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code
              data-testid="new-api-key"
              className="break-all rounded bg-white px-2 py-1 font-mono text-xs"
            >
              {key}
            </code>
            <button
              type="button"
              className="rounded-md border border-emerald-300 bg-white px-2 py-1 text-xs font-medium"
              onClick={() => {
                void navigator.clipboard?.writeText(key).then(() => setCopied(true));
              }}
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
        </FormAlert>
      )}
      {state.message && <FormAlert tone="error">{state.message}</FormAlert>}
      <form
        action={(formData) => {
          setCopied(false);
          action(formData);
        }}
        className="flex flex-col gap-3 sm:flex-row sm:items-end"
        noValidate
      >
        <input type="hidden" name="slug" value={slug} />
        <div className="sm:w-80">
          <Field
            label="Key name"
            name="name"
            required
            maxLength={100}
            placeholder="e.g. Production server"
            error={state.fieldErrors?.name}
          />
        </div>
        <SubmitButton pendingLabel="Creating…">Create key</SubmitButton>
      </form>
    </div>
  );
}
