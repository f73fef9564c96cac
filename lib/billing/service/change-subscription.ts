import "server-only";
import type Stripe from "stripe";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { clearKeptPlanMetadata, keepPlanMetadata } from "../kept-plan";
import { type BillingPeriod, isPaidTier, type PlanTier } from "../plans";
import { callStripe } from "./call-stripe";
import { planChangeStrategy } from "./plan-change-strategy";
import { type ItemChange, planItemChanges } from "./plan-items";
import { previewProration } from "./preview-proration";
import {
  type CurrentSubscription,
  requireCurrentSubscription,
} from "./require-current-subscription";
import { resolvePlanPrices } from "./resolve-price";
import { resyncCustomer } from "./resync-customer";
import { type SubscriptionView, subscriptionView } from "./subscription-view";
import type { BillingDeps } from "./types";

/** How long a preview's proration date is honoured: long enough to read and confirm. */
export const PRORATION_DATE_TTL_SECONDS = 15 * 60;

/**
 * Moves the user's own subscription to another paid plan or billing period, as
 * `planChangeStrategy` says: upgrades now with the proration invoiced and charged at once
 * (a declined card → 402 and nothing changes), downgrades billed from the next renewal with the
 * plan paid for kept until then.
 *
 * `prorationDate` (from `previewSubscriptionChange`) makes the charge equal the preview. It is
 * accepted only between Stripe's "now" minus PRORATION_DATE_TTL_SECONDS and "now" — learned
 * from a fresh preview, since Stripe's clock is not ours (test clocks, the emulator's clock) —
 * so a client cannot pick a date late in the period to shrink the charge.
 *
 * The customer is re-synced into Postgres before returning (best effort: the change stands).
 */
export async function changeSubscription(
  deps: BillingDeps & {
    userId: string;
    tier: PlanTier;
    period: BillingPeriod;
    prorationDate?: number | undefined;
  },
): Promise<{ change: "upgrade" | "downgrade"; subscription: SubscriptionView }> {
  const { stripe, userId, tier, period } = deps;
  if (!isPaidTier(tier)) {
    throw new AppError("plan_not_purchasable", "To go back to Free, cancel your subscription.");
  }
  const current = await requireCurrentSubscription(deps);
  const strategy = planChangeStrategy(current, { tier, period });
  const prices = await resolvePlanPrices(stripe, tier, period);
  const { price } = prices;
  const items = planItemChanges(current, prices);

  const params: Stripe.SubscriptionUpdateParams = {
    items,
    proration_behavior: strategy.prorationBehavior,
  };
  if (strategy.keptPlan.action === "keep") {
    params.metadata = keepPlanMetadata(strategy.keptPlan.lookupKey, strategy.keptPlan.until);
  } else if (strategy.keptPlan.action === "clear") {
    params.metadata = clearKeptPlanMetadata();
  }
  if (strategy.prorationBehavior === "always_invoice") {
    params.payment_behavior = "error_if_incomplete";
    if (deps.prorationDate !== undefined) {
      params.proration_date = await checkedProrationDate(
        stripe,
        current,
        items,
        deps.prorationDate,
      );
    }
  }
  const updated = await callStripe("subscriptions.update", () =>
    stripe.subscriptions.update(current.subscription.id, params),
  );
  log.info(
    {
      userId,
      stripeSubscriptionId: updated.id,
      from: current.item.price.lookup_key,
      to: price.lookup_key,
      change: strategy.kind,
      timing: strategy.timing,
    },
    "subscription plan changed",
  );
  await resyncCustomer(deps, current.row.stripeCustomerId, { bestEffort: true });
  return { change: strategy.kind, subscription: subscriptionView(updated) };
}

async function checkedProrationDate(
  stripe: Stripe,
  current: CurrentSubscription,
  items: ItemChange[],
  prorationDate: number,
): Promise<number> {
  const { prorationDate: stripeNow } = await previewProration(stripe, current, items);
  const periodStart = current.item.current_period_start;
  if (
    prorationDate > stripeNow ||
    prorationDate < stripeNow - PRORATION_DATE_TTL_SECONDS ||
    prorationDate < periodStart
  ) {
    throw new AppError("conflict", "The price you saw has expired. Review the change again.", {
      details: { reason: "proration_date_expired" },
    });
  }
  return prorationDate;
}
