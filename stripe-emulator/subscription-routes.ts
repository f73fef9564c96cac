/**
 * The subscriptions API: create, retrieve, list, update (items, prorations, cancel at period
 * end, pause collection), cancel, resume; and the subscription items API.
 */
import type Stripe from "stripe";
import type { Emulator } from "./context";
import { invalidRequest, noSuch } from "./errors";
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
  requiredStr,
  str,
} from "./params";
import { type ApiRequest, idAt, route } from "./router";
import type { PendingLine } from "./state";
import {
  cancellationDetails,
  cancelNow,
  createSubscription,
  intervalOf,
  invoiceSubscription,
  isMetered,
  licensedLines,
  type NewItem,
  periodOf,
  planOf,
  prorationLines,
  replaceItemPrice,
  setPeriod,
  setStatus,
  subscriptionState,
} from "./subscriptions";
import { addInterval } from "./time";

const FEEDBACK = [
  "customer_service",
  "low_quality",
  "missing_features",
  "other",
  "switched_service",
  "too_complex",
  "too_expensive",
  "unused",
] as const;

const STATUSES = [
  "active",
  "all",
  "canceled",
  "ended",
  "incomplete",
  "incomplete_expired",
  "past_due",
  "paused",
  "trialing",
  "unpaid",
] as const;

function itemsFrom(em: Emulator, params: Params): NewItem[] {
  const items = objList(params, "items");
  if (!items || items.length === 0) throw invalidRequest("Missing required param: items.", "items");
  return items.map((item, index) => ({
    price: em.price(requiredStr(item, "price", `items[${index}][price]`), `items[${index}][price]`),
    quantity: int(item, "quantity", `items[${index}][quantity]`) ?? 1,
  }));
}

function create({ em, params }: ApiRequest): Stripe.Subscription {
  const customer = em.customer(requiredStr(params, "customer"));
  const now = em.now(customer.id);
  const trialDays = int(params, "trial_period_days");
  const trialEndParam = str(params, "trial_end");
  const trialEnd =
    trialEndParam === "now"
      ? null
      : trialEndParam
        ? Number(trialEndParam)
        : trialDays
          ? now + trialDays * 86_400
          : null;
  if (trialEnd !== null && (!Number.isInteger(trialEnd) || trialEnd <= now)) {
    throw invalidRequest(
      "Invalid timestamp: must be an integer Unix timestamp in the future.",
      "trial_end",
    );
  }
  const pm = str(params, "default_payment_method") ?? null;
  if (pm && !em.state.paymentMethods[pm])
    throw noSuch("PaymentMethod", pm, "default_payment_method");
  const trialSettings = obj(params, "trial_settings");
  const endBehavior = trialSettings
    ? obj(trialSettings, "end_behavior", "trial_settings[end_behavior]")
    : undefined;
  const subscription = createSubscription(em, {
    customer,
    items: itemsFrom(em, params),
    trialEnd,
    defaultPaymentMethod: pm,
    metadata: mergeMetadata({}, params),
    description: nullableStr(params, "description") ?? null,
    missingPaymentMethod: endBehavior
      ? oneOf(endBehavior, "missing_payment_method", ["cancel", "create_invoice", "pause"] as const)
      : undefined,
    deferPayment: str(params, "payment_behavior") === "default_incomplete",
    cancelAtPeriodEnd: bool(params, "cancel_at_period_end") ?? false,
  });
  return em.expand(subscription, params);
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

export function update(
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
  const trialing = subscription.status === "trialing";
  const oldInterval = intervalOf(subscription);
  const prorations: PendingLine[] = [];
  const credits: PendingLine[] = [];

  for (const [index, spec] of (objList(params, "items") ?? []).entries()) {
    const itemId = str(spec, "id", `items[${index}][id]`);
    const priceId = str(spec, "price", `items[${index}][price]`);
    const quantity = int(spec, "quantity", `items[${index}][quantity]`);
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
        metadata: {},
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
    (str(params, "billing_cycle_anchor") === "now" ||
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
    if (pm && !em.state.paymentMethods[pm])
      throw noSuch("PaymentMethod", pm, "default_payment_method");
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
    const { paid } = invoiceSubscription(
      em,
      subscription,
      "subscription_update",
      licensedLines(em, subscription, start, end, false),
      { start, end },
    );
    if (!paid) setStatus(em, subscription, "past_due");
  } else if (prorations.length > 0) {
    const state = subscriptionState(em, subscription.id);
    state.pendingLines.push(...prorations);
    if (behaviour === "always_invoice") {
      const { paid } = invoiceSubscription(em, subscription, "subscription_update", [], {
        start: prorationDate,
        end: periodOf(subscription).end,
      });
      if (!paid) setStatus(em, subscription, "past_due");
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

function cancel(request: ApiRequest): Stripe.Subscription {
  const { em, params } = request;
  const subscription = em.subscription(idAt(request));
  if (subscription.status === "canceled") {
    throw invalidRequest(
      `No such subscription: '${subscription.id}'. This subscription has already been canceled.`,
      "id",
      "resource_missing",
    );
  }
  const details = obj(params, "cancellation_details");
  if (details) {
    subscription.cancellation_details = cancellationDetails(
      null,
      subscription.cancellation_details,
      {
        comment: nullableStr(details, "comment", "cancellation_details[comment]"),
        feedback: oneOf(details, "feedback", FEEDBACK, "cancellation_details[feedback]"),
      },
    );
  }
  cancelNow(em, subscription, "cancellation_requested");
  return em.expand(subscription, params);
}

function resume(request: ApiRequest): Stripe.Subscription {
  const { em, params } = request;
  const subscription = em.subscription(idAt(request));
  if (subscription.status !== "paused") {
    throw invalidRequest(
      "Only a subscription with status `paused` can be resumed.",
      undefined,
      "subscription_not_paused",
    );
  }
  const customerId = String(subscription.customer);
  const now = em.now(customerId);
  const recurring = intervalOf(subscription);
  const end = addInterval(now, recurring.interval, recurring.interval_count);
  const previous = { status: subscription.status };
  setPeriod(subscription, now, end);
  subscription.billing_cycle_anchor = now;
  subscription.status = "active";
  em.emit("customer.subscription.resumed", subscription, previous, customerId);
  em.emit("customer.subscription.updated", subscription, previous, customerId);
  const { paid } = invoiceSubscription(
    em,
    subscription,
    "subscription_update",
    licensedLines(em, subscription, now, end, false),
    { start: now, end },
  );
  if (!paid) setStatus(em, subscription, "past_due");
  return em.expand(subscription, params);
}

function list({ em, params, path }: ApiRequest): Stripe.ApiList<Stripe.Subscription> {
  const customer = str(params, "customer");
  const price = str(params, "price");
  const status = oneOf(params, "status", STATUSES);
  const clock = str(params, "test_clock");
  const created = em.createdFilter(params);
  const items = Object.values(em.state.subscriptions).filter((subscription) => {
    if (customer !== undefined && subscription.customer !== customer) return false;
    if (clock !== undefined && subscription.test_clock !== clock) return false;
    if (price !== undefined && !subscription.items.data.some((item) => item.price.id === price))
      return false;
    if (!created(subscription.created)) return false;
    if (status === "all") return true;
    if (status === "ended")
      return subscription.status === "canceled" || subscription.status === "incomplete_expired";
    if (status !== undefined) return subscription.status === status;
    return subscription.status !== "canceled" && subscription.status !== "incomplete_expired";
  });
  return em.expand(em.page(items, params, path), params);
}

export const subscriptionRoutes = [
  route("POST", "/v1/subscriptions", create),
  route("GET", "/v1/subscriptions", list),
  route("GET", "/v1/subscriptions/:id", (request) =>
    request.em.expand(request.em.subscription(idAt(request)), request.params),
  ),
  route("POST", "/v1/subscriptions/:id", (request) =>
    request.em.expand(
      update(request.em, request.em.subscription(idAt(request)), request.params),
      request.params,
    ),
  ),
  route("DELETE", "/v1/subscriptions/:id", cancel),
  route("POST", "/v1/subscriptions/:id/resume", resume),
  route("GET", "/v1/subscription_items", ({ em, params, path }) => {
    const subscription = em.subscription(requiredStr(params, "subscription"), "subscription");
    return em.expand(em.page(subscription.items.data, params, path), params);
  }),
  route("GET", "/v1/subscription_items/:id", (request) => {
    const item = request.em.subscriptionItem(idAt(request));
    if (!item) throw noSuch("subscription_item", idAt(request));
    return request.em.expand(item, request.params);
  }),
];
