import { StatusBadge, type StatusStyle } from "@/components/ui/status-badge";
import type { InvoiceStatus } from "@/db/schema";

export const INVOICE_STATUS: Record<InvoiceStatus, StatusStyle> = {
  draft: { label: "Draft", tone: "neutral" },
  open: { label: "Open", tone: "warning" },
  paid: { label: "Paid", tone: "success" },
  uncollectible: { label: "Uncollectible", tone: "danger" },
  void: { label: "Void", tone: "neutral" },
};

function isInvoiceStatus(status: string): status is InvoiceStatus {
  return Object.hasOwn(INVOICE_STATUS, status);
}

/** An invoice's status; a value Stripe adds later is shown as it is, untinted. */
export function InvoiceStatusBadge({ status }: { status: string }) {
  const { label, tone } = isInvoiceStatus(status)
    ? INVOICE_STATUS[status]
    : { label: status, tone: "neutral" as const };
  return <StatusBadge tone={tone}>{label}</StatusBadge>;
}
