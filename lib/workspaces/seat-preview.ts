import "server-only";
import type Stripe from "stripe";
import {
  type BillingPeriod,
  extraSeatAmount,
  includedSeats,
  type PaidPlanTier,
} from "@/lib/billing/catalog/plans";
import { planOfSubscription } from "@/lib/billing/catalog/subscription";
import { callStripe } from "@/lib/billing/stripe/call-stripe";
import type { BillingDeps } from "@/lib/billing/stripe/client";
import { fromUnixSeconds } from "@/lib/format/date";
import { SEAT_BILLED_STATUSES, seatBilledSubscription } from "./seat-subscription";
import { memberCount } from "./workspaces";

/** What one more member costs a workspace whose next member takes a paid seat. */
export interface SeatCostPreview {
  tier: PaidPlanTier;
  period: BillingPeriod;
  /** Members once the new one joins: the quantity the subscription then bills. */
  seats: number;
  /** Members the plan's price includes. */
  included: number;
  /** What the extra seat costs each period, from the catalog (smallest currency unit). */
  perPeriod: number;
  currency: string;
  /**
   * The extra seat for the rest of the current period, from Stripe's own preview (the proration
   * lines of the change): not charged at once, but added to the next invoice.
   */
  prorationAmount: number;
  /** The instant the proration is computed for. */
  prorationDate: Date;
  /** When the next invoice, with the proration, is made: the current period's end. */
  nextInvoiceAt: Date;
}

/**
 * The price of one more member, shown before it is incurred: null when the next member is
 * included (or the workspace is on Free, which caps members instead: `assertMemberRoom`).
 * Otherwise the catalog's per-period price of the extra seat, and what the rest of this period
 * costs, from `invoices.createPreview` with the seat added (`create_prorations`, as the seat
 * job does) — the sum of the proration lines for the plan's item at the preview's date.
 *
 * The preview starts from the quantity Stripe bills now, which is the member count except for
 * the seconds a seat job is still on its way. Stripe's errors come back as AppErrors.
 */
export async function previewSeatCost(
  deps: BillingDeps & { now?: Date },
  workspaceId: string,
): Promise<SeatCostPreview | null> {
  const { db, stripe } = deps;
  const row = await seatBilledSubscription(db, workspaceId);
  if (!row) return null;
  const seats = (await memberCount(db, workspaceId)) + 1;
  if (seats <= includedSeats(row.planTier)) return null;

  const subscription = await callStripe("subscriptions.retrieve", () =>
    stripe.subscriptions.retrieve(row.stripeSubscriptionId),
  );
  const { tier, period, item } = planOfSubscription(subscription);
  const billsSeats = (SEAT_BILLED_STATUSES as readonly string[]).includes(subscription.status);
  if (!billsSeats || tier === "free" || period === null || !item) return null;
  const included = includedSeats(tier);
  if (seats <= included) return null;

  const prorationDate = withinPeriod(deps.now ?? new Date(), item);
  const invoice = await callStripe("invoices.createPreview", () =>
    stripe.invoices.createPreview({
      customer: row.stripeCustomerId,
      subscription: subscription.id,
      subscription_details: {
        items: [{ id: item.id, quantity: seats }],
        proration_behavior: "create_prorations",
        proration_date: prorationDate,
      },
    }),
  );
  return {
    tier,
    period,
    seats,
    included,
    perPeriod: extraSeatAmount(tier, period),
    currency: subscription.currency,
    prorationAmount: prorationOf(invoice, item.id, prorationDate),
    prorationDate: new Date(prorationDate * 1000),
    nextInvoiceAt: fromUnixSeconds(item.current_period_end),
  };
}

/** `now` in unix seconds, kept inside the item's current period (where Stripe prorates). */
function withinPeriod(now: Date, item: Stripe.SubscriptionItem): number {
  const seconds = Math.floor(now.getTime() / 1000);
  return Math.min(Math.max(seconds, item.current_period_start), item.current_period_end - 1);
}

/**
 * The change's proration: its lines for `itemId` dated `at`. Older prorations waiting for the
 * same invoice (an earlier seat this period) have other dates and are left out.
 */
function prorationOf(invoice: Stripe.Invoice, itemId: string, at: number): number {
  return invoice.lines.data
    .filter((line) => {
      const details = line.parent?.subscription_item_details;
      return (
        details?.proration === true &&
        details.subscription_item === itemId &&
        line.period.start === at
      );
    })
    .reduce((sum, line) => sum + line.amount, 0);
}
