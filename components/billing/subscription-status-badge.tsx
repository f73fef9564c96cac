import type { Entitlements } from "@/lib/billing/entitlements";

type Status = Entitlements["status"];

const LABELS: Record<Status, string> = {
  none: "No subscription",
  trialing: "Trial",
  active: "Active",
  past_due: "Payment failed",
  unpaid: "Unpaid",
  canceled: "Canceled",
  incomplete: "Awaiting payment",
  incomplete_expired: "Expired",
  paused: "Paused",
};

const TONES: Record<Status, string> = {
  none: "border-slate-300 bg-slate-50 text-slate-800",
  trialing: "border-sky-300 bg-sky-50 text-sky-900",
  active: "border-emerald-300 bg-emerald-50 text-emerald-900",
  past_due: "border-red-300 bg-red-50 text-red-800",
  unpaid: "border-red-300 bg-red-50 text-red-800",
  canceled: "border-slate-300 bg-slate-50 text-slate-800",
  incomplete: "border-amber-300 bg-amber-50 text-amber-900",
  incomplete_expired: "border-slate-300 bg-slate-50 text-slate-800",
  paused: "border-amber-300 bg-amber-50 text-amber-900",
};

export function subscriptionStatusLabel(status: Status): string {
  return LABELS[status];
}

/** A subscription status as a word in a bordered pill: the colour only repeats the word. */
export function SubscriptionStatusBadge({ status, testId }: { status: Status; testId?: string }) {
  return (
    <span
      data-testid={testId}
      className={`inline-flex items-center rounded-full border px-2.5 py-0.5 text-xs font-semibold ${TONES[status]}`}
    >
      {LABELS[status]}
    </span>
  );
}
