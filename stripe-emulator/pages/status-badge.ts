/** The pill that shows a subscription's or an invoice's status in words and a tone. */
import { html, type SafeHtml } from "./html";

const TONES: Record<string, string> = {
  active: "good",
  paid: "good",
  trialing: "info",
  open: "info",
  past_due: "warn",
  unpaid: "bad",
  incomplete: "warn",
  paused: "warn",
  void: "",
  uncollectible: "bad",
  canceled: "",
  draft: "",
};

const LABELS: Record<string, string> = {
  active: "Active",
  trialing: "Trial",
  past_due: "Past due",
  unpaid: "Unpaid",
  incomplete: "Incomplete",
  paused: "Paused",
  canceled: "Canceled",
  open: "Open",
  paid: "Paid",
  void: "Void",
  uncollectible: "Uncollectible",
  draft: "Draft",
};

/** An unknown status shows as itself, untoned. */
export function statusBadge(status: string): SafeHtml {
  return html`<span class="status ${TONES[status] ?? ""}">${LABELS[status] ?? status}</span>`;
}
