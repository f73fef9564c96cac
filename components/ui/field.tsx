import type { InputHTMLAttributes } from "react";

type FieldProps = {
  label: string;
  name: string;
  /** Defaults to `field-<name>`; set it when two forms on a page share a field name. */
  id?: string;
  error?: string | undefined;
  hint?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id">;

/** A labelled input whose error is shown beside it and announced with it. */
export function Field({ label, name, id: idProp, error, hint, ...input }: FieldProps) {
  const id = idProp ?? `field-${name}`;
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(" ");
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        className={`mt-1 block w-full rounded-lg border px-3 py-2 text-slate-900 shadow-sm ${
          error ? "border-red-600" : "border-slate-300"
        }`}
        {...input}
      />
      {error && (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
