import type Stripe from "stripe";
import { fromUnixSeconds } from "@/lib/format/date";
import { log } from "@/lib/log";
import { billsUsage, isPaidTier, meteredLookupKeyFor } from "../catalog/plans";
import {
  cancellationScheduled,
  LIVE_STATUSES,
  meteredItemOf,
  planOfSubscription,
  recordedCancelRequester,
} from "../catalog/subscription";

/**
 * Tollgate's terms that a change made outside it (the Stripe Dashboard, an old portal
 * configuration, the portal's renew button) can break, put back whenever the mirror fetches a
 * subscription:
 *
 * - a monthly paid plan carries its tier's metered API-calls item (without it usage is never
 *   billed): the item is added back, marked, and the mirror shows when
 *   (`subscriptions.metered_item_restored_at`, on the admin's customer page);
 * - a cancellation an admin scheduled stays scheduled until an admin undoes it in Tollgate.
 *
 * Best effort: a repair Stripe refuses is logged and tried again on the next fetch, and the
 * subscription is mirrored as it is, so a repair can never stop the mirror.
 */
export async function repairSubscription(
  stripe: Stripe,
  subscription: Stripe.Subscription,
): Promise<Stripe.Subscription> {
  if (!LIVE_STATUSES.has(subscription.status)) return subscription;
  try {
    let repaired = await restoreMeteredItem(stripe, subscription);
    repaired = await holdAdminCancellation(stripe, repaired);
    return repaired;
  } catch (error) {
    log.warn(
      { stripeSubscriptionId: subscription.id, reason: String(error) },
      "subscription repair failed; the next fetch tries again",
    );
    return subscription;
  }
}

/** On the item Tollgate added back. */
const RESTORED_ITEM_KEY = "tollgate_restored";
/** On the subscription: how many times its metered item was added back (keys the request). */
const RESTORES_KEY = "tollgate_metered_restores";

/** When the subscription's metered item was added back by Tollgate; null if it never was. */
export function meteredItemRestoredAt(subscription: Stripe.Subscription): Date | null {
  const item = meteredItemOf(subscription);
  return item?.metadata[RESTORED_ITEM_KEY] ? fromUnixSeconds(item.created) : null;
}

function lacksMeteredItem(subscription: Stripe.Subscription): boolean {
  const plan = planOfSubscription(subscription);
  return (
    isPaidTier(plan.tier) &&
    plan.period !== null &&
    billsUsage(plan.period) &&
    meteredItemOf(subscription) === null
  );
}

/**
 * Adds the tier's metered price back to a monthly paid subscription that lost it. Checked again
 * on a fresh read, and sent with an idempotency key made of the subscription id and its restore
 * count (which the same request raises), so duplicate or concurrent deliveries that saw the same
 * state add one item between them, while a later removal gets a new key.
 */
async function restoreMeteredItem(
  stripe: Stripe,
  seen: Stripe.Subscription,
): Promise<Stripe.Subscription> {
  if (!lacksMeteredItem(seen)) return seen;
  const subscription = await stripe.subscriptions.retrieve(seen.id);
  if (!lacksMeteredItem(subscription)) return subscription;
  const { tier } = planOfSubscription(subscription);
  if (!isPaidTier(tier)) return subscription;
  const lookupKey = meteredLookupKeyFor(tier);
  const [price] = (await stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 }))
    .data;
  if (!price) {
    log.error({ lookupKey }, "no active Stripe price for a catalog lookup key; run stripe:sync");
    return subscription;
  }
  const restores = Number(subscription.metadata[RESTORES_KEY] ?? "0") || 0;
  const restored = await stripe.subscriptions.update(
    subscription.id,
    {
      items: [{ price: price.id, metadata: { [RESTORED_ITEM_KEY]: "true" } }],
      proration_behavior: "none",
      metadata: { [RESTORES_KEY]: String(restores + 1) },
    },
    { idempotencyKey: `metered-restore:${subscription.id}:${restores}` },
  );
  log.warn(
    { stripeSubscriptionId: subscription.id, stripeCustomerId: customerOf(subscription), tier },
    "monthly subscription had lost its metered item; added it back",
  );
  return restored;
}

/**
 * Schedules again a cancellation an admin scheduled (recorded in the metadata) that was undone
 * outside Tollgate, such as with the portal's renew button. Setting it is idempotent in itself.
 */
async function holdAdminCancellation(
  stripe: Stripe,
  subscription: Stripe.Subscription,
): Promise<Stripe.Subscription> {
  if (recordedCancelRequester(subscription) !== "admin" || cancellationScheduled(subscription)) {
    return subscription;
  }
  const held = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
  log.warn(
    { stripeSubscriptionId: subscription.id, stripeCustomerId: customerOf(subscription) },
    "an admin's cancellation was undone outside Tollgate; scheduled again",
  );
  return held;
}

const customerOf = (subscription: Stripe.Subscription) =>
  typeof subscription.customer === "string" ? subscription.customer : subscription.customer.id;
