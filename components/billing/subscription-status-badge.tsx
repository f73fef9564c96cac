import { StatusBadge, type StatusStyle } from "@/components/ui/status-badge";
import type { Entitlements } from "@/lib/billing/entitlements";

type Status = Entitlements["status"];

export const SUBSCRIPTION_STATUS: Record<Status, StatusStyle> = {
  none: { label: "No subscription", tone: "neutral" },
  trialing: { label: "Trial", tone: "info" },
  active: { label: "Active", tone: "success" },
  past_due: { label: "Payment failed", tone: "danger" },
  unpaid: { label: "Unpaid", tone: "danger" },
  canceled: { label: "Canceled", tone: "neutral" },
  incomplete: { label: "Awaiting payment", tone: "warning" },
  incomplete_expired: { label: "Expired", tone: "neutral" },
  paused: { label: "Paused", tone: "warning" },
};

export function SubscriptionStatusBadge({ status, testId }: { status: Status; testId?: string }) {
  const { label, tone } = SUBSCRIPTION_STATUS[status];
  return (
    <StatusBadge tone={tone} testId={testId}>
      {label}
    </StatusBadge>
  );
}
