import type Stripe from "stripe";
import { CANCEL_REQUESTERS, type CancelRequester } from "@/db/schema";
import { type BillingPeriod, type PlanTier, planByLookupKey } from "./plans";

/**
 * Reading a Stripe subscription against the catalog: its plan and metered item, whether it is
 * live, and what Tollgate keeps in its metadata (the plan kept until the period's end, who asked
 * for its cancellation). Pure.
 */

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

/**
 * Who scheduled a subscription's cancellation through Tollgate: the user, or an admin for
 * them. Written into the subscription's own metadata with the cancellation (and removed when
 * it is undone), so the webhook re-sync and reconciliation read it back like every other field
 * (`subscriptions.cancel_requested_by`). A user may not undo an admin's cancellation.
 */
export const CANCEL_REQUESTED_BY_KEY = "tollgate_cancel_requested_by";

function isCancelRequester(value: string | undefined): value is CancelRequester {
  return (CANCEL_REQUESTERS as readonly string[]).includes(value ?? "");
}

/** The requester recorded on the subscription, whether or not a cancellation is pending. */
export function recordedCancelRequester(
  subscription: Pick<Stripe.Subscription, "metadata">,
): CancelRequester | null {
  const value = subscription.metadata[CANCEL_REQUESTED_BY_KEY];
  return isCancelRequester(value) ? value : null;
}

/** True while the subscription is set to end (at the period's end or at a set time). */
export function cancellationScheduled(
  subscription: Pick<Stripe.Subscription, "cancel_at_period_end" | "cancel_at">,
): boolean {
  return subscription.cancel_at_period_end || subscription.cancel_at !== null;
}

/**
 * Who asked for the subscription's cancellation, for the mirror: the recorded requester while a
 * cancellation is pending or after it ended the subscription; null when nothing is scheduled,
 * or when it was scheduled outside Tollgate (the portal, the Dashboard).
 */
export function cancelRequesterOf(
  subscription: Pick<
    Stripe.Subscription,
    "metadata" | "cancel_at_period_end" | "cancel_at" | "canceled_at"
  >,
): CancelRequester | null {
  const ended = subscription.canceled_at !== null;
  return cancellationScheduled(subscription) || ended
    ? recordedCancelRequester(subscription)
    : null;
}

/** Metadata recording who scheduled the cancellation. */
export function cancelRequesterMetadata(by: CancelRequester): Stripe.MetadataParam {
  return { [CANCEL_REQUESTED_BY_KEY]: by };
}

/** Metadata that removes the record (Stripe deletes keys set to ""). */
export function clearCancelRequesterMetadata(): Stripe.MetadataParam {
  return { [CANCEL_REQUESTED_BY_KEY]: "" };
}
