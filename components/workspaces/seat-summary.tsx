import { getPlan } from "@/lib/billing/catalog/plans";
import type { SeatSummary as Seats } from "@/lib/workspaces/seat-summary";

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * The seats in words: "4 members · 3 included · 1 billed extra" on a paid plan, "1 member · up
 * to 2 on Free" on a plan that caps members.
 */
export function seatSummaryParts(seats: Seats): string[] {
  const parts = [plural(seats.members, "member", "members")];
  if (seats.billed === null) {
    if (seats.limit !== null) parts.push(`up to ${seats.limit} on ${getPlan(seats.tier).name}`);
    return parts;
  }
  parts.push(`${seats.included} included`);
  parts.push(`${seats.billedExtra ?? 0} billed extra`);
  return parts;
}

/**
 * Seats used, included and billed, for a workspace's members page. Takes the figures
 * (`seatSummary`); reads nothing itself. While a membership change is still on its way to
 * Stripe, the billed quantity trails the members and it says so.
 */
export function SeatSummary({ seats }: { seats: Seats }) {
  const pending = seats.billed !== null && seats.billed !== seats.members;
  return (
    <div data-testid="seat-summary">
      <p className="text-sm font-medium text-slate-900">{seatSummaryParts(seats).join(" · ")}</p>
      {pending && (
        <p className="mt-1 text-xs text-slate-600" data-testid="seat-summary-pending">
          Billing is being updated to {plural(seats.members, "seat", "seats")} (now {seats.billed}).
        </p>
      )}
    </div>
  );
}
