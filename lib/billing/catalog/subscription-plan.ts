import type Stripe from "stripe";
import { type BillingPeriod, type PlanTier, planByLookupKey } from "./plans";

/** The plan a subscription is on: the first item whose price's lookup key is in the catalog. */
export function planOfSubscription(subscription: Stripe.Subscription): {
  tier: PlanTier;
  period: BillingPeriod | null;
  item: Stripe.SubscriptionItem | null;
} {
  for (const item of subscription.items.data) {
    const found = planByLookupKey(item.price.lookup_key);
    if (found) return { tier: found.plan.tier, period: found.period, item };
  }
  return { tier: "free", period: null, item: subscription.items.data[0] ?? null };
}

/** The subscription's metered item (usage-billed API calls), if it has one. */
export function meteredItemOf(subscription: Stripe.Subscription): Stripe.SubscriptionItem | null {
  return (
    subscription.items.data.find((item) => item.price.recurring?.usage_type === "metered") ?? null
  );
}

/**
 * Stripe statuses of a subscription that still exists and bills, or will: not ended, and not
 * waiting for its first payment (`incomplete`).
 */
export const LIVE_STATUSES: ReadonlySet<Stripe.Subscription.Status> = new Set([
  "active",
  "trialing",
  "past_due",
  "unpaid",
  "paused",
]);
