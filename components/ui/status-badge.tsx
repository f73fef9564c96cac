import type { ReactNode } from "react";

/** What a status means for the reader; each status enum maps its values to one of these. */
export type Tone = "neutral" | "info" | "success" | "warning" | "danger";

/** A status value's words and tone, kept together in one map per status enum. */
export interface StatusStyle {
  label: string;
  tone: Tone;
}

const TONES: Record<Tone, string> = {
  neutral: "bg-slate-100 text-slate-700 ring-slate-300",
  info: "bg-sky-50 text-sky-900 ring-sky-300",
  success: "bg-emerald-50 text-emerald-900 ring-emerald-300",
  warning: "bg-amber-50 text-amber-900 ring-amber-300",
  danger: "bg-red-50 text-red-800 ring-red-300",
};

/** A status as a word in a tinted pill: the colour only repeats what the word says. */
export function StatusBadge({
  tone,
  testId,
  children,
}: {
  tone: Tone;
  testId?: string | undefined;
  children: ReactNode;
}) {
  return (
    <span
      data-testid={testId}
      className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}
