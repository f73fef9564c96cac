import type { ZodError } from "zod";

/**
 * What a server action behind a form answers: a message for the whole form, errors beside
 * fields, and the values to put back (never passwords). Pure: used by client forms too.
 */
export interface FormState {
  status: "idle" | "error" | "success";
  message?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
}

export const IDLE: FormState = { status: "idle" };

/** The first message per field of a zod error, keyed by the top-level field name. */
export function fieldErrorsOf(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    fields[field] ??= issue.message;
  }
  return fields;
}

/** A form field's value as a string ("" when absent or a file). */
export function formText(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}
