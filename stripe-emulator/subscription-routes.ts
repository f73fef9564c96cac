/**
 * The subscriptions API: create, retrieve, list, update (items, prorations, cancel at period
 * end, pause collection), cancel, resume; and the subscription items API.
 */
import type Stripe from "stripe";
import type { Emulator } from "./context";
import { invalidRequest, noSuch } from "./errors";
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
import { FEEDBACK, itemQuantity, updateSubscription } from "./subscription-update";
import {
  cancellationDetails,
  cancelNow,
  createSubscription,
  intervalOf,
  invoiceSubscription,
  licensedLines,
  type NewItem,
  setPeriod,
  setStatus,
} from "./subscriptions";
import { addInterval } from "./time";

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
    quantity: itemQuantity(item, index) ?? 1,
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
  if (pm) em.customerPaymentMethod(pm, customer.id, "default_payment_method");
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
      updateSubscription(request.em, request.em.subscription(idAt(request)), request.params),
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
