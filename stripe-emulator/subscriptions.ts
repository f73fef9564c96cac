/**
 * Subscriptions: creation (from Checkout or the API), changes with prorations, cancellation,
 * resumption. What time does to them (trials ending, renewals, retries) is in `lifecycle.ts`.
 *
 * Current periods live on the subscription items (API version basil onwards); every item of a
 * subscription shares the subscription's period here.
 */
import type Stripe from "stripe";
import { productName } from "./catalog";
import type { Emulator } from "./context";
import { invalidRequest } from "./errors";
import {
  attemptPayment,
  buildInvoice,
  type ChargeOutcome,
  type DraftLine,
  finalizeInvoice,
} from "./invoices";
import { formatMoney } from "./money";
import type { PendingLine } from "./state";
import { amountFor } from "./tiers";
import { addInterval, humanDay } from "./time";

export interface NewItem {
  price: Stripe.Price;
  quantity: number;
}

export interface NewSubscription {
  customer: Stripe.Customer;
  items: NewItem[];
  trialEnd: number | null;
  defaultPaymentMethod: string | null;
  metadata: Stripe.Metadata;
  description?: string | null;
  missingPaymentMethod?: Stripe.Subscription.TrialSettings.EndBehavior.MissingPaymentMethod;
  /** `default_incomplete`: leave the first invoice open for the caller to pay. */
  deferPayment?: boolean;
  cancelAtPeriodEnd?: boolean;
}

function recurringOf(price: Stripe.Price, param = "price"): Stripe.Price.Recurring {
  if (!price.recurring) {
    throw invalidRequest(
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
      param,
    );
  }
  return price.recurring;
}

export function planOf(price: Stripe.Price): Stripe.Plan {
  const recurring = recurringOf(price);
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: recurring.interval,
    interval_count: recurring.interval_count,
    livemode: false,
    metadata: price.metadata,
    meter: recurring.meter,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: price.tiers_mode,
    transform_usage: null,
    trial_period_days: recurring.trial_period_days,
    usage_type: recurring.usage_type,
  };
}

export function isMetered(price: Stripe.Price): boolean {
  return price.recurring?.usage_type === "metered";
}

function buildItem(
  em: Emulator,
  subscriptionId: string,
  item: NewItem,
  period: { start: number; end: number },
  created: number,
): Stripe.SubscriptionItem {
  return {
    id: em.newId("si", 14),
    object: "subscription_item",
    billing_thresholds: null,
    created,
    current_period_end: period.end,
    current_period_start: period.start,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planOf(item.price),
    price: structuredClone(item.price),
    ...(isMetered(item.price) ? {} : { quantity: item.quantity }),
    subscription: subscriptionId,
    tax_rates: [],
  };
}

export function periodOf(subscription: Stripe.Subscription): { start: number; end: number } {
  const item = subscription.items.data[0];
  if (!item) return { start: subscription.start_date, end: subscription.start_date };
  return { start: item.current_period_start, end: item.current_period_end };
}

export function setPeriod(subscription: Stripe.Subscription, start: number, end: number): void {
  for (const item of subscription.items.data) {
    item.current_period_start = start;
    item.current_period_end = end;
  }
}

export function intervalOf(subscription: Stripe.Subscription): Stripe.Price.Recurring {
  const price = subscription.items.data[0]?.price;
  if (!price) throw new Error(`subscription ${subscription.id} has no items`);
  return recurringOf(price);
}

function itemLabel(item: { price: Stripe.Price; quantity?: number }, em: Emulator): string {
  return `${item.quantity ?? 1} × ${productName(em, item.price)}`;
}

/** "Pro" for one unit, "4 × Pro" for more, as Stripe names a proration's item. */
function quantityLabel(em: Emulator, price: Stripe.Price, quantity: number): string {
  const name = productName(em, price);
  return quantity === 1 ? name : `${quantity} × ${name}`;
}

/** "(at $29.00 / month)", or for a tiered price its total: "(graduated tiers: $38.00 / month)". */
function rateLabel(em: Emulator, price: Stripe.Price, quantity: number): string {
  const interval = price.recurring?.interval;
  if (price.billing_scheme === "tiered") {
    const total = formatMoney(amountFor(em, price, quantity), price.currency);
    return `(${price.tiers_mode} tiers: ${total} / ${interval})`;
  }
  const unit = Number(price.unit_amount_decimal ?? price.unit_amount ?? 0);
  return `(at ${formatMoney(unit, price.currency)} / ${interval})`;
}

/** Lines for the licensed items of a period that is about to start. */
export function licensedLines(
  em: Emulator,
  subscription: Stripe.Subscription,
  start: number,
  end: number,
  trial: boolean,
): DraftLine[] {
  return subscription.items.data
    .filter((item) => !isMetered(item.price))
    .map((item) => ({
      description: trial
        ? `Trial period for ${productName(em, item.price)}`
        : `${itemLabel(item, em)} ${rateLabel(em, item.price, item.quantity ?? 1)}`,
      amount: trial ? 0 : amountFor(em, item.price, item.quantity ?? 1),
      quantity: item.quantity ?? 1,
      price: item.price,
      periodStart: start,
      periodEnd: end,
      subscriptionItem: item.id,
      proration: false,
    }));
}

/**
 * Creates, finalizes and charges an invoice for a subscription, with its pending prorations;
 * updates its latest_invoice. `announce` runs once the draft exists and before it is finalized
 * (where a renewal sends customer.subscription.updated); `finalize: false` leaves a draft.
 */
export function invoiceSubscription(
  em: Emulator,
  subscription: Stripe.Subscription,
  reason: Stripe.Invoice.BillingReason,
  lines: DraftLine[],
  period: { start: number; end: number },
  options: { pay?: boolean; finalize?: boolean; announce?: () => void } = {},
): { invoice: Stripe.Invoice; paid: boolean; declined: ChargeOutcome | null } {
  const customer = em.customer(String(subscription.customer));
  const pending = em.state.subscriptionState[subscription.id]?.pendingLines ?? [];
  const all = [...pending.map((line) => pendingToDraft(em, line)), ...lines];
  if (em.state.subscriptionState[subscription.id]) {
    (em.state.subscriptionState[subscription.id] as { pendingLines: PendingLine[] }).pendingLines =
      [];
  }
  const invoice = buildInvoice(em, {
    customer,
    subscription,
    reason,
    lines: all,
    periodStart: period.start,
    periodEnd: period.end,
  });
  subscription.latest_invoice = invoice.id;
  options.announce?.();
  if (options.finalize === false) return { invoice, paid: false, declined: null };
  finalizeInvoice(em, invoice);
  if (options.pay === false) return { invoice, paid: false, declined: null };
  const outcome = attemptPayment(em, invoice);
  return { invoice, paid: outcome.ok, declined: outcome.ok ? null : outcome };
}

function pendingToDraft(em: Emulator, line: PendingLine): DraftLine {
  return {
    description: line.description,
    amount: line.amount,
    quantity: line.quantity,
    price: em.price(line.price),
    periodStart: line.periodStart,
    periodEnd: line.periodEnd,
    subscriptionItem: line.subscriptionItem,
    proration: true,
  };
}

export function subscriptionState(em: Emulator, id: string) {
  em.state.subscriptionState[id] ??= { trialWillEndSentFor: null, pendingLines: [] };
  return em.state.subscriptionState[id];
}

/** Changes status, announcing it with customer.subscription.updated. */
export function setStatus(
  em: Emulator,
  subscription: Stripe.Subscription,
  status: Stripe.Subscription.Status,
): void {
  if (subscription.status === status) return;
  const previous = { status: subscription.status };
  subscription.status = status;
  em.emit("customer.subscription.updated", subscription, previous, String(subscription.customer));
}

/**
 * Creates a subscription as Checkout or `POST /v1/subscriptions` does. Events, in order:
 * customer.subscription.created, invoice.created, invoice.finalized, then invoice.paid and
 * invoice.payment_succeeded (a trial's first invoice is 0 and paid at once) and, when the first
 * payment moved it out of `incomplete`, customer.subscription.updated.
 */
export function createSubscription(em: Emulator, input: NewSubscription): Stripe.Subscription {
  const { customer } = input;
  const first = input.items[0];
  if (!first) throw invalidRequest("Missing required param: items.", "items");
  const recurring = recurringOf(first.price, "items[0][price]");
  for (const [index, item] of input.items.entries()) {
    const other = recurringOf(item.price, `items[${index}][price]`);
    if (
      other.interval !== recurring.interval ||
      other.interval_count !== recurring.interval_count
    ) {
      throw invalidRequest(
        "Currency and interval fields must match across all plans on this subscription.",
        `items[${index}][price]`,
      );
    }
  }
  const now = em.now(customer.id);
  const trialing = input.trialEnd !== null && input.trialEnd > now;
  const periodEnd = trialing
    ? (input.trialEnd as number)
    : addInterval(now, recurring.interval, recurring.interval_count);
  const id = em.newId("sub");
  const subscription: Stripe.Subscription = {
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: periodEnd === now ? now : trialing ? periodEnd : now,
    billing_cycle_anchor_config: null,
    billing_mode: {
      type: "classic",
      flexible: null,
      updated_at: undefined,
    } as Stripe.Subscription.BillingMode,
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: cancellationDetails(null),
    collection_method: "charge_automatically",
    created: now,
    currency: first.price.currency,
    customer: customer.id,
    customer_account: null,
    days_until_due: null,
    default_payment_method: input.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: input.description ?? null,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: "self" },
    },
    items: {
      object: "list",
      data: [],
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: "off",
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: trialing ? "trialing" : "incomplete",
    test_clock: customer.test_clock ?? null,
    transfer_data: null,
    trial_end: trialing ? input.trialEnd : null,
    trial_settings: {
      end_behavior: {
        billing_cycle_anchor: null,
        missing_payment_method: input.missingPaymentMethod ?? "create_invoice",
      },
    },
    trial_start: trialing ? now : null,
  };
  subscription.items.data = input.items.map((item) =>
    buildItem(em, id, item, { start: now, end: periodEnd }, now),
  );
  if (input.cancelAtPeriodEnd) {
    subscription.cancel_at_period_end = true;
    subscription.cancel_at = periodEnd;
    subscription.canceled_at = now;
    subscription.cancellation_details = cancellationDetails("cancellation_requested");
  }
  em.state.subscriptions[id] = subscription;
  subscriptionState(em, id);
  em.emit("customer.subscription.created", subscription, undefined, customer.id);
  const { paid } = invoiceSubscription(
    em,
    subscription,
    "subscription_create",
    licensedLines(em, subscription, now, periodEnd, trialing),
    { start: now, end: periodEnd },
    { pay: !input.deferPayment || trialing },
  );
  if (!trialing && paid) setStatus(em, subscription, "active");
  return subscription;
}

/** Cancellation details with a new reason, keeping the customer's comment and feedback. */
export function cancellationDetails(
  reason: Stripe.Subscription.CancellationDetails.Reason | null,
  current: Stripe.Subscription.CancellationDetails | null = null,
  changes: Partial<Pick<Stripe.Subscription.CancellationDetails, "comment" | "feedback">> = {},
): Stripe.Subscription.CancellationDetails {
  return {
    comment: changes.comment !== undefined ? changes.comment : (current?.comment ?? null),
    feedback: changes.feedback !== undefined ? changes.feedback : (current?.feedback ?? null),
    feedback_option: current?.feedback_option ?? null,
    reason,
  };
}

/** Ends a subscription now: status canceled, customer.subscription.deleted. */
export function cancelNow(
  em: Emulator,
  subscription: Stripe.Subscription,
  reason: Stripe.Subscription.CancellationDetails.Reason,
  at: number = em.now(String(subscription.customer)),
): void {
  if (subscription.status === "canceled") return;
  subscription.status = "canceled";
  subscription.canceled_at ??= at;
  subscription.ended_at = at;
  subscription.cancellation_details = cancellationDetails(
    reason,
    subscription.cancellation_details,
  );
  em.emit("customer.subscription.deleted", subscription, undefined, String(subscription.customer));
}

/**
 * A proration pair for moving an item to another price or quantity at `at` within its current
 * period: the old price × old quantity credited and the new one charged, each its full-period
 * amount (tiered prices by their tiers) times the part of the period left, rounded.
 */
export function prorationLines(
  em: Emulator,
  subscription: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
  newPrice: Stripe.Price,
  newQuantity: number,
  at: number,
): PendingLine[] {
  const { start, end } = periodOf(subscription);
  if (end <= start || at >= end) return [];
  const fraction = (end - Math.max(at, start)) / (end - start);
  const oldQuantity = item.quantity ?? 1;
  const oldAmount = amountFor(em, item.price, oldQuantity);
  const newAmount = amountFor(em, newPrice, newQuantity);
  const oldName = quantityLabel(em, item.price, oldQuantity);
  const newName = quantityLabel(em, newPrice, newQuantity);
  return [
    {
      id: em.newId("ii", 14),
      description: `Unused time on ${oldName} after ${humanDay(at)}`,
      amount: -Math.round(oldAmount * fraction),
      price: item.price.id,
      subscriptionItem: item.id,
      periodStart: at,
      periodEnd: end,
      quantity: oldQuantity,
    },
    {
      id: em.newId("ii", 14),
      description: `Remaining time on ${newName} after ${humanDay(at)}`,
      amount: Math.round(newAmount * fraction),
      price: newPrice.id,
      subscriptionItem: item.id,
      periodStart: at,
      periodEnd: end,
      quantity: newQuantity,
    },
  ];
}

export function replaceItemPrice(
  item: Stripe.SubscriptionItem,
  price: Stripe.Price,
  quantity: number,
): void {
  item.price = structuredClone(price);
  item.plan = planOf(price);
  if (isMetered(price)) delete item.quantity;
  else item.quantity = quantity;
}
