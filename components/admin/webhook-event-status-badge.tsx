import { StatusBadge, type StatusStyle } from "@/components/ui/status-badge";
import type { WebhookEventStatus } from "@/db/schema";

export const WEBHOOK_EVENT_STATUS: Record<WebhookEventStatus, StatusStyle> = {
  received: { label: "Received", tone: "warning" },
  processed: { label: "Processed", tone: "success" },
  failed: { label: "Failed", tone: "danger" },
  ignored: { label: "Ignored", tone: "neutral" },
  unlinked: { label: "Waiting for customer link", tone: "warning" },
};

export function WebhookEventStatusBadge({ status }: { status: WebhookEventStatus }) {
  const { label, tone } = WEBHOOK_EVENT_STATUS[status];
  return <StatusBadge tone={tone}>{label}</StatusBadge>;
}
