/**
 * Invoices: how the emulator builds, finalizes and charges them, and the invoice API (list,
 * retrieve, lines, pay, void, mark uncollectible, create_preview).
 *
 * Status flow as Stripe's: draft → open (finalized: number, hosted page, PDF) → paid, or stays
 * open with `next_payment_attempt` while retries remain; void and uncollectible by request.
 * Events: invoice.created, invoice.finalized, then invoice.paid + invoice.payment_succeeded or
 * invoice.payment_failed.
 */
import type Stripe from "stripe";
import type { Emulator } from "./context";
import { cardDeclined, invalidRequest } from "./errors";
import { DAY } from "./time";

/** Days after the first failed attempt on which Stripe retries a subscription invoice. */
export const RETRY_DAYS = [3, 5, 7] as const;

export interface DraftLine {
  description: string;
  amount: number;
  quantity: number;
  price: Stripe.Price;
  periodStart: number;
  periodEnd: number;
  subscriptionItem: string | null;
  proration: boolean;
}

export interface InvoiceInput {
  customer: Stripe.Customer;
  subscription: Stripe.Subscription | null;
  reason: Stripe.Invoice.BillingReason;
  lines: DraftLine[];
  periodStart: number;
  periodEnd: number;
  /** One-off invoices made through the API carry these; subscription invoices do not. */
  description?: string | null;
  metadata?: Stripe.Metadata;
  autoAdvance?: boolean;
}

/** How many lines Stripe embeds in an invoice it returns; `/v1/invoices/:id/lines` has them all. */
export const EMBEDDED_LINES = 10;

function isInvoice(value: unknown): value is Stripe.Invoice {
  return (
    typeof value === "object" &&
    value !== null &&
    "object" in value &&
    value.object === "invoice" &&
    "lines" in value
  );
}

/**
 * A `JSON.stringify` replacer that writes each invoice as Stripe returns one, in an answer or an
 * event: its first `EMBEDDED_LINES` lines, with `has_more` when it has more. The stored invoice
 * keeps them all (hosted page, PDF, the lines list).
 */
export function asReturnedByStripe(this: unknown, key: string, value: unknown): unknown {
  if (key !== "lines" || !isInvoice(this) || this.lines.data.length <= EMBEDDED_LINES) {
    return value;
  }
  return { ...this.lines, data: this.lines.data.slice(0, EMBEDDED_LINES), has_more: true };
}

/** Decimal strings are strings on the wire; stripe-node's `Decimal` type brands them. */
export function decimal(value: string): Stripe.Decimal {
  return value as unknown as Stripe.Decimal;
}

export function buildLine(
  em: Emulator,
  line: DraftLine,
  invoiceId: string | null,
  subscriptionId: string | null,
): Stripe.InvoiceLineItem {
  return {
    id: em.newId("il"),
    object: "line_item",
    amount: line.amount,
    currency: line.price.currency,
    description: line.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: subscriptionId
      ? {
          type: "subscription_item_details",
          invoice_item_details: null,
          subscription_item_details: {
            invoice_item: null,
            proration: line.proration,
            proration_details: { credited_items: null },
            subscription: subscriptionId,
            subscription_item: line.subscriptionItem ?? "",
          },
        }
      : null,
    period: { start: line.periodStart, end: line.periodEnd },
    pretax_credit_amounts: [],
    pricing: {
      type: "price_details",
      price_details: { price: line.price.id, product: String(line.price.product) },
      unit_amount_decimal: line.price.unit_amount_decimal,
    },
    quantity: line.quantity,
    quantity_decimal: decimal(String(line.quantity)),
    subscription: subscriptionId,
    subtotal: line.amount,
    taxes: [],
  };
}

/** A draft invoice with its lines; stored and announced with invoice.created unless a preview. */
export function buildInvoice(
  em: Emulator,
  input: InvoiceInput,
  options: { preview?: boolean } = {},
): Stripe.Invoice {
  const { customer, subscription } = input;
  const id = options.preview ? `upcoming_${customer.id}` : em.newId("in");
  const created = em.now(customer.id);
  const lines = input.lines.map((line) =>
    buildLine(em, line, options.preview ? null : id, subscription?.id ?? null),
  );
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const currency = input.lines[0]?.price.currency ?? subscription?.currency ?? "usd";
  const invoice: Stripe.Invoice & { subscription: string | null } = {
    id,
    object: "invoice",
    account_country: "US",
    account_name: "Tollgate (Stripe emulator)",
    account_tax_ids: null,
    amount_due: Math.max(0, total),
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: Math.max(0, total),
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: input.autoAdvance ?? true,
    automatic_tax: {
      disabled_reason: null,
      enabled: false,
      liability: null,
      provider: null,
      status: null,
    },
    automatically_finalizes_at: null,
    billing_reason: input.reason,
    collection_method: "charge_automatically",
    created,
    currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: customer.tax_exempt ?? "none",
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: input.description ?? null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: "list",
      data: lines,
      has_more: false,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    metadata: input.metadata ?? {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: subscription
      ? {
          type: "subscription_details",
          quote_details: null,
          subscription_details: {
            metadata: structuredClone(subscription.metadata),
            subscription: subscription.id,
          },
        }
      : null,
    payment_settings: {
      default_mandate: null,
      payment_method_options: null,
      payment_method_types: null,
    },
    period_end: input.periodEnd,
    period_start: input.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "draft",
    status_transitions: {
      finalized_at: null,
      marked_uncollectible_at: null,
      paid_at: null,
      voided_at: null,
    },
    // Stripe's reference object still lists `subscription`, always null since API version basil:
    // the subscription is named under parent.subscription_details.
    subscription: null,
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: customer.test_clock ?? null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
  if (options.preview) return invoice;
  em.state.invoices[id] = invoice;
  em.emit("invoice.created", invoice, undefined, customer.id);
  return invoice;
}

/**
 * The customer's balance meets the invoice when it is finalized, as at Stripe: a credit (a
 * negative balance) lowers what is due, and an invoice whose total is below zero (a downgrade
 * invoiced at once) leaves its remainder as credit for later invoices.
 */
function applyBalance(em: Emulator, invoice: Stripe.Invoice, customer: Stripe.Customer): void {
  const starting = customer.balance;
  const net = invoice.total + starting;
  invoice.starting_balance = starting;
  invoice.ending_balance = Math.min(0, net);
  invoice.amount_due = Math.max(0, net);
  invoice.amount_remaining = invoice.amount_due;
  if (customer.balance !== invoice.ending_balance) {
    const previous = { balance: customer.balance };
    customer.balance = invoice.ending_balance;
    em.emit("customer.updated", customer, previous, customer.id);
  }
}

/** draft → open: the invoice gets its number, the customer's balance, a hosted page and PDF. */
export function finalizeInvoice(em: Emulator, invoice: Stripe.Invoice): void {
  if (invoice.status !== "draft") {
    throw invalidRequest(
      `This invoice is already finalized, you can't re-finalize a non-draft invoice.`,
      undefined,
      "invoice_not_editable",
    );
  }
  const customerId = String(invoice.customer);
  const customer = em.state.customers[customerId];
  const sequence = customer ? (customer.next_invoice_sequence ?? 1) : ++em.state.invoiceSequence;
  if (customer) customer.next_invoice_sequence = sequence + 1;
  const prefix = customer?.invoice_prefix ?? "EMULATOR";
  const now = em.now(customerId);
  invoice.number = `${prefix}-${String(sequence).padStart(4, "0")}`;
  if (customer) applyBalance(em, invoice, customer);
  invoice.status = "open";
  invoice.effective_at = now;
  invoice.status_transitions.finalized_at = now;
  invoice.hosted_invoice_url = `${em.baseUrl()}/i/${invoice.id}`;
  invoice.invoice_pdf = `${em.baseUrl()}/i/${invoice.id}/pdf`;
  em.emit("invoice.finalized", invoice, { status: "draft" }, customerId);
}

/** Voids an open or uncollectible invoice: no more attempts, invoice.voided. */
export function voidInvoice(em: Emulator, invoice: Stripe.Invoice, at: number): void {
  const previous = { status: invoice.status };
  invoice.status = "void";
  invoice.next_payment_attempt = null;
  invoice.status_transitions.voided_at = at;
  em.emit("invoice.voided", invoice, previous, String(invoice.customer));
}

export type ChargeOutcome =
  | { ok: true }
  | { ok: false; code: string; declineCode: string; message: string };

/** What charging a payment method would do; no payment method is a failure too. */
export function chargeOutcome(em: Emulator, paymentMethod: string | null): ChargeOutcome {
  const behaviour = paymentMethod ? em.state.cardBehaviour[paymentMethod] : undefined;
  if (!paymentMethod || !behaviour) {
    return {
      ok: false,
      code: "payment_method_missing",
      declineCode: "payment_method_missing",
      message: "The customer has no attached payment source or default payment method.",
    };
  }
  if (behaviour === "succeed") return { ok: true };
  if (behaviour === "decline") {
    return {
      ok: false,
      code: "card_declined",
      declineCode: "insufficient_funds",
      message: "Your card has insufficient funds.",
    };
  }
  return {
    ok: false,
    code: "card_declined",
    declineCode: "generic_decline",
    message: "Your card was declined.",
  };
}

export function paymentMethodFor(em: Emulator, invoice: Stripe.Invoice): string | null {
  const subscriptionId = invoice.parent?.subscription_details?.subscription;
  const subscription = subscriptionId ? em.state.subscriptions[String(subscriptionId)] : undefined;
  const fromSubscription = subscription?.default_payment_method;
  if (fromSubscription) return String(fromSubscription);
  const customer = em.state.customers[String(invoice.customer)];
  const fromCustomer = customer?.invoice_settings.default_payment_method;
  return fromCustomer ? String(fromCustomer) : null;
}

export function markPaid(em: Emulator, invoice: Stripe.Invoice): void {
  const customerId = String(invoice.customer);
  const now = em.now(customerId);
  const previous = {
    status: invoice.status,
    amount_paid: invoice.amount_paid,
    amount_remaining: invoice.amount_remaining,
  };
  invoice.status = "paid";
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.next_payment_attempt = null;
  invoice.status_transitions.paid_at = now;
  em.emit("invoice.paid", invoice, previous, customerId);
  em.emit("invoice.payment_succeeded", invoice, previous, customerId);
}

/**
 * Charges an open (or uncollectible) invoice once. A zero amount is paid without a charge. On
 * failure the invoice stays as it was with the next retry time: none after the last retry, and
 * none for the first invoice of an incomplete subscription, which Stripe does not retry.
 * Returns the outcome; the subscription's status is the caller's business.
 */
export function attemptPayment(
  em: Emulator,
  invoice: Stripe.Invoice,
  paymentMethod: string | null = paymentMethodFor(em, invoice),
): ChargeOutcome {
  if (invoice.status !== "open" && invoice.status !== "uncollectible") {
    throw invalidRequest(`Invoice is already ${invoice.status}.`, undefined, "invoice_not_open");
  }
  if (invoice.amount_remaining === 0) {
    markPaid(em, invoice);
    return { ok: true };
  }
  const outcome = chargeOutcome(em, paymentMethod);
  invoice.attempt_count += 1;
  invoice.attempted = true;
  if (outcome.ok) {
    markPaid(em, invoice);
    return outcome;
  }
  const customerId = String(invoice.customer);
  const subscriptionId = invoice.parent?.subscription_details?.subscription;
  const subscription = subscriptionId ? em.state.subscriptions[String(subscriptionId)] : undefined;
  const retried = subscription !== undefined && subscription.status !== "incomplete";
  const firstAttemptAt = invoice.status_transitions.finalized_at ?? em.now(customerId);
  const retryDay = RETRY_DAYS[invoice.attempt_count - 1];
  invoice.next_payment_attempt =
    retried && invoice.status === "open" && retryDay !== undefined
      ? firstAttemptAt + retryDay * DAY
      : null;
  invoice.last_finalization_error = null;
  em.emit(
    "invoice.payment_failed",
    invoice,
    { attempt_count: invoice.attempt_count - 1 },
    customerId,
  );
  return outcome;
}

/** Pays an invoice on request (`POST /v1/invoices/:id/pay`): a failure is a 402 card error. */
export function payOnRequest(
  em: Emulator,
  invoice: Stripe.Invoice,
  paymentMethod: string | null,
): Stripe.Invoice {
  if (invoice.status === "draft") finalizeInvoice(em, invoice);
  if (invoice.status === "paid") {
    throw invalidRequest("Invoice is already paid", undefined, "invoice_already_paid");
  }
  const outcome = attemptPayment(em, invoice, paymentMethod ?? paymentMethodFor(em, invoice));
  if (!outcome.ok) throw cardDeclined(outcome.declineCode, outcome.message);
  return invoice;
}
