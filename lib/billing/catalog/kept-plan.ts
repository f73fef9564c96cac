import type Stripe from "stripe";
import { type BillingPeriod, type PlanTier, planByLookupKey } from "./plans";

/**
 * A downgrade that waits for the period's end. The subscription's price is swapped at once with
 * no proration (the renewal bills the lower price), and the plan already paid for is written
 * into the subscription's own metadata with the instant it was paid up to. Entitlements keep
 * that plan until then (`entitlementsFor`).
 *
 * Kept in Stripe, not only in Postgres, so the webhook re-sync and reconciliation read it back
 * like every other field and it cannot drift from the subscription it belongs to.
 */
export const KEPT_PLAN_KEY = "tollgate_kept_plan";
export const KEPT_UNTIL_KEY = "tollgate_kept_until";

export interface KeptPlan {
  lookupKey: string;
  tier: PlanTier;
  period: BillingPeriod;
  /** Unix seconds: the end of the period that was paid for on the kept plan. */
  until: number;
}

/** The kept plan recorded on a subscription, or null when there is none or it is malformed. */
export function keptPlanOf(subscription: Pick<Stripe.Subscription, "metadata">): KeptPlan | null {
  const lookupKey = subscription.metadata[KEPT_PLAN_KEY];
  const untilText = subscription.metadata[KEPT_UNTIL_KEY];
  if (!lookupKey || !untilText || !/^\d{1,12}$/.test(untilText)) return null;
  const found = planByLookupKey(lookupKey);
  if (!found) return null;
  return { lookupKey, tier: found.plan.tier, period: found.period, until: Number(untilText) };
}

/** Metadata recording `lookupKey` as paid for until `until` (unix seconds). */
export function keepPlanMetadata(lookupKey: string, until: number): Stripe.MetadataParam {
  return { [KEPT_PLAN_KEY]: lookupKey, [KEPT_UNTIL_KEY]: String(until) };
}

/** Metadata that removes a kept plan (Stripe deletes keys set to ""). */
export function clearKeptPlanMetadata(): Stripe.MetadataParam {
  return { [KEPT_PLAN_KEY]: "", [KEPT_UNTIL_KEY]: "" };
}
