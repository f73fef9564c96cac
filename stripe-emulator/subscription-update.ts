/**
 * Changing a subscription, as `POST /v1/subscriptions/:id` does: items and prices with
 * prorations, a reset billing cycle, cancel at period end or at a time, pause collection, the
 * default payment method, a trial's end. Used by the API, the portal's pages and invoice
 * previews (which run it on a copy of the state).
 */
import type Stripe from "stripe";
import type { Emulator } from "./context";
import { cardError, invalidRequest, noSuch } from "./errors";
import type { ChargeOutcome } from "./invoices";
import { endTrial } from "./lifecycle";
import {
  bool,
  int,
  mergeMetadata,
  nullableStr,
  obj,
  objList,
  oneOf,
  type Params,
  str,
} from "./params";
import type { PendingLine } from "./state";
import {
  cancellationDetails,
  intervalOf,
  invoiceSubscription,
  isMetered,
  licensedLines,
  periodOf,
  planOf,
  prorationLines,
  replaceItemPrice,
  setPeriod,
  setStatus,
  subscriptionState,
} from "./subscriptions";
import { addInterval } from "./time";

export const FEEDBACK = [
  "customer_service",
  "low_quality",
  "missing_features",
  "other",
  "switched_service",
  "too_complex",
  "too_expensive",
  "unused",
] as const;

/** `items[i][quantity]`: a whole number, 0 or more (Stripe allows 0 seats). */
export function itemQuantity(spec: Params, index: number): number | undefined {
  const quantity = int(spec, "quantity", `items[${index}][quantity]`);
  if (quantity !== undefined && quantity < 0) {
    throw invalidRequest(
      "This value must be greater than or equal to 0.",
      `items[${index}][quantity]`,
    );
  }
  return quantity;
}

/** Top-level keys whose values differ, with their old values: Stripe's previous_attributes. */
function changedKeys(
  before: Stripe.Subscription,
  after: Stripe.Subscription,
): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(after) as Array<keyof Stripe.Subscription>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key];
  }
  return previous;
}

export function updateSubscription(
  em: Emulator,
  subscription: Stripe.Subscription,
  params: Params,
): Stripe.Subscription {
  if (subscription.status === "canceled" || subscription.status === "incomplete_expired") {
    throw invalidRequest(
      "A canceled subscription can only update its cancellation_details and metadata.",
      undefined,
      "resource_missing",
    );
  }
  const customerId = String(subscription.customer);
  const now = em.now(customerId);
  const before = structuredClone(subscription);
  const behaviour =
    oneOf(params, "proration_behavior", ["create_prorations", "always_invoice", "none"] as const) ??
    "create_prorations";
  const prorationDate = int(params, "proration_date") ?? now;
  // `error_if_incomplete`: when a charge this update makes is declined, Stripe answers 402 and
  // the subscription stays as it was. `default_incomplete` and `pending_if_incomplete` are not
  // emulated (refused rather than silently treated as `allow_incomplete`).
  const paymentBehavior =
    oneOf(params, "payment_behavior", ["allow_incomplete", "error_if_incomplete"] as const) ??
    "allow_incomplete";
  const untouched = paymentBehavior === "error_if_incomplete" ? structuredClone(em.state) : null;
  const settle = (charge: { paid: boolean; declined: ChargeOutcome | null }) => {
    if (charge.paid) return;
    if (untouched && charge.declined && !charge.declined.ok) {
      em.state = untouched;
      const { code, message, declineCode } = charge.declined;
      throw cardError(code, message, "", declineCode);
    }
    setStatus(em, subscription, "past_due");
  };
  const trialing = subscription.status === "trialing";
  const oldInterval = intervalOf(subscription);
  const prorations: PendingLine[] = [];
  const credits: PendingLine[] = [];

  for (const [index, spec] of (objList(params, "items") ?? []).entries()) {
    const itemId = str(spec, "id", `items[${index}][id]`);
    const priceId = str(spec, "price", `items[${index}][price]`);
    const quantity = itemQuantity(spec, index);
    if (itemId) {
      const item = subscription.items.data.find((candidate) => candidate.id === itemId);
      if (!item) throw noSuch("subscription_item", itemId, `items[${index}][id]`);
      if (bool(spec, "deleted", `items[${index}][deleted]`)) {
        subscription.items.data = subscription.items.data.filter((candidate) => candidate !== item);
        continue;
      }
      const price = priceId ? em.price(priceId, `items[${index}][price]`) : item.price;
      const newQuantity = quantity ?? item.quantity ?? 1;
      if (price.id === item.price.id && newQuantity === (item.quantity ?? 1)) continue;
      if (!trialing && behaviour !== "none" && !isMetered(price) && !isMetered(item.price)) {
        const pair = prorationLines(em, subscription, item, price, newQuantity, prorationDate);
        prorations.push(...pair);
        if (pair[0]) credits.push(pair[0]);
      }
      replaceItemPrice(item, price, newQuantity);
    } else if (priceId) {
      const price = em.price(priceId, `items[${index}][price]`);
      const { start, end } = periodOf(subscription);
      subscription.items.data.push({
        id: em.newId("si", 14),
        object: "subscription_item",
        billing_thresholds: null,
        created: now,
        current_period_end: end,
        current_period_start: start,
        current_trial: null,
        discounts: [],
        metadata: mergeMetadata({}, spec),
        plan: planOf(price),
        price: structuredClone(price),
        ...(isMetered(price) ? {} : { quantity: quantity ?? 1 }),
        subscription: subscription.id,
        tax_rates: [],
      });
    }
  }
  if (subscription.items.data.length === 0) {
    throw invalidRequest("A subscription must have at least one item.", "items");
  }
  const first = subscription.items.data[0]?.price.recurring;
  for (const [index, item] of subscription.items.data.entries()) {
    const recurring = item.price.recurring;
    if (
      recurring?.interval !== first?.interval ||
      recurring?.interval_count !== first?.interval_count ||
      item.price.currency !== subscription.currency
    ) {
      throw invalidRequest(
        "Currency and interval fields must match across all plans on this subscription.",
        `items[${index}][price]`,
      );
    }
  }
  const newInterval = intervalOf(subscription);
  const cycleReset =
    !trialing &&
    (billingCycleAnchorNow(params) ||
      newInterval.interval !== oldInterval.interval ||
      newInterval.interval_count !== oldInterval.interval_count);

  const cancelAtPeriodEnd = bool(params, "cancel_at_period_end");
  if (cancelAtPeriodEnd !== undefined && cancelAtPeriodEnd !== subscription.cancel_at_period_end) {
    subscription.cancel_at_period_end = cancelAtPeriodEnd;
    subscription.cancel_at = cancelAtPeriodEnd ? periodOf(subscription).end : null;
    subscription.canceled_at = cancelAtPeriodEnd ? now : null;
    subscription.cancellation_details = cancellationDetails(
      cancelAtPeriodEnd ? "cancellation_requested" : null,
      subscription.cancellation_details,
    );
  }
  if (params.cancel_at !== undefined) {
    const cancelAt = str(params, "cancel_at");
    if (cancelAt === "" || cancelAt === undefined) {
      subscription.cancel_at = null;
      subscription.cancel_at_period_end = false;
      subscription.canceled_at = null;
    } else {
      const at = cancelAt === "min_period_end" ? periodOf(subscription).end : Number(cancelAt);
      if (!Number.isInteger(at) || at <= now)
        throw invalidRequest("cancel_at must be in the future", "cancel_at");
      subscription.cancel_at = at;
      subscription.canceled_at = now;
      subscription.cancel_at_period_end = at === periodOf(subscription).end;
    }
  }
  const details = obj(params, "cancellation_details");
  if (details) {
    subscription.cancellation_details = cancellationDetails(
      subscription.cancellation_details?.reason ?? null,
      subscription.cancellation_details,
      {
        comment: nullableStr(details, "comment", "cancellation_details[comment]"),
        feedback: oneOf(details, "feedback", FEEDBACK, "cancellation_details[feedback]"),
      },
    );
  }
  if (params.pause_collection !== undefined) {
    const pause = obj(params, "pause_collection");
    subscription.pause_collection = pause
      ? {
          behavior:
            oneOf(
              pause,
              "behavior",
              ["keep_as_draft", "mark_uncollectible", "void"] as const,
              "pause_collection[behavior]",
            ) ?? "void",
          resumes_at: int(pause, "resumes_at", "pause_collection[resumes_at]") ?? null,
        }
      : null;
  }
  const pm = nullableStr(params, "default_payment_method");
  if (pm !== undefined) {
    if (pm) em.customerPaymentMethod(pm, customerId, "default_payment_method");
    subscription.default_payment_method = pm;
  }
  subscription.metadata = mergeMetadata(subscription.metadata, params);
  const description = nullableStr(params, "description");
  if (description !== undefined) subscription.description = description;
  const trialEnd = str(params, "trial_end");
  if (trialEnd === "now" && trialing) {
    subscription.trial_end = now;
    setPeriod(subscription, periodOf(subscription).start, now);
  } else if (trialEnd && trialEnd !== "now") {
    const at = Number(trialEnd);
    if (!Number.isInteger(at) || at <= now)
      throw invalidRequest("Invalid timestamp: must be in the future.", "trial_end");
    subscription.trial_end = at;
    subscription.trial_start ??= now;
    subscription.status = "trialing";
    setPeriod(subscription, periodOf(subscription).start, at);
  }

  if (cycleReset) {
    const end = addInterval(now, newInterval.interval, newInterval.interval_count);
    setPeriod(subscription, now, end);
    subscription.billing_cycle_anchor = now;
  }
  const previous = changedKeys(before, subscription);
  if (Object.keys(previous).length > 0) {
    em.emit("customer.subscription.updated", subscription, previous, customerId);
  }

  if (cycleReset) {
    subscriptionState(em, subscription.id).pendingLines.push(...credits);
    const { start, end } = periodOf(subscription);
    settle(
      invoiceSubscription(
        em,
        subscription,
        "subscription_update",
        licensedLines(em, subscription, start, end, false),
        { start, end },
      ),
    );
  } else if (prorations.length > 0) {
    const state = subscriptionState(em, subscription.id);
    state.pendingLines.push(...prorations);
    if (behaviour === "always_invoice") {
      settle(
        invoiceSubscription(em, subscription, "subscription_update", [], {
          start: prorationDate,
          end: periodOf(subscription).end,
        }),
      );
    }
  }
  if (trialEnd === "now" && trialing) {
    // Ending a trial now warns (as Stripe does) and then bills at once, in this request.
    subscriptionState(em, subscription.id).trialWillEndSentFor = now;
    em.emit("customer.subscription.trial_will_end", subscription, undefined, customerId);
    endTrial(em, subscription, now);
  }
  return subscription;
}

/**
 * `billing_cycle_anchor=now`: the form older API versions take, and the object form
 * (`billing_cycle_anchor[type]=now`) stripe-node's types name for newer ones.
 */
function billingCycleAnchorNow(params: Params): boolean {
  const anchor = params.billing_cycle_anchor;
  if (typeof anchor === "string") return anchor === "now";
  const asObject = obj(params, "billing_cycle_anchor");
  return asObject !== undefined && str(asObject, "type", "billing_cycle_anchor[type]") === "now";
}
