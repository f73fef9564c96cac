/**
 * The invoices API: create (one-off drafts), list, retrieve, lines, pay, finalize, void, mark
 * uncollectible, delete (drafts), create_preview.
 */
import type Stripe from "stripe";
import type { Emulator } from "./context";
import { invalidRequest, noSuch } from "./errors";
import { buildInvoice, finalizeInvoice, payOnRequest, voidInvoice } from "./invoices";
import { advance, payAndSettle, settleStatus } from "./lifecycle";
import {
  bool,
  mergeMetadata,
  nullableStr,
  obj,
  oneOf,
  type Params,
  requiredStr,
  str,
} from "./params";
import { type ApiRequest, idAt, route } from "./router";
import { updateSubscription } from "./subscription-update";
import { periodOf } from "./subscriptions";

function list({ em, params, path }: ApiRequest): Stripe.ApiList<Stripe.Invoice> {
  const customer = str(params, "customer");
  const subscription = str(params, "subscription");
  const status = oneOf(params, "status", [
    "draft",
    "open",
    "paid",
    "uncollectible",
    "void",
  ] as const);
  const created = em.createdFilter(params);
  const items = Object.values(em.state.invoices).filter(
    (invoice) =>
      (customer === undefined || invoice.customer === customer) &&
      (subscription === undefined ||
        invoice.parent?.subscription_details?.subscription === subscription) &&
      (status === undefined || invoice.status === status) &&
      created(invoice.created),
  );
  return em.expand(em.page(items, params, path), params);
}

/**
 * A one-off draft invoice for a customer, as Stripe makes one: no lines (the emulator has no
 * invoice items), `auto_advance` false unless asked; it stays a draft until it is finalized.
 */
function create({ em, params }: ApiRequest): Stripe.Invoice {
  const customer = em.customer(requiredStr(params, "customer"));
  const now = em.now(customer.id);
  return buildInvoice(em, {
    customer,
    subscription: null,
    reason: "manual",
    lines: [],
    periodStart: now,
    periodEnd: now,
    description: nullableStr(params, "description") ?? null,
    metadata: mergeMetadata({}, params),
    autoAdvance: bool(params, "auto_advance") ?? false,
  });
}

/**
 * Deletes a draft, as Stripe allows for one-off drafts only (a finalized invoice or one of a
 * subscription must be voided): it is gone — retrieving it answers 404 — and invoice.deleted
 * announces it.
 */
function remove(request: ApiRequest): Stripe.DeletedInvoice {
  const { em } = request;
  const invoice = em.invoice(idAt(request));
  if (invoice.parent?.subscription_details) {
    throw invalidRequest(
      "You can't delete an invoice created by a subscription; void it once it is finalized.",
    );
  }
  if (invoice.status !== "draft") {
    throw invalidRequest(
      `You can only delete draft invoices. This invoice is ${invoice.status}; void it instead.`,
    );
  }
  delete em.state.invoices[invoice.id];
  em.emit("invoice.deleted", invoice, undefined, String(invoice.customer));
  return { id: invoice.id, object: "invoice", deleted: true };
}

function pay(request: ApiRequest): Stripe.Invoice {
  const { em, params } = request;
  const invoice = em.invoice(idAt(request));
  const pm = str(params, "payment_method") ?? null;
  if (pm && !em.state.paymentMethods[pm]) throw noSuch("PaymentMethod", pm, "payment_method");
  try {
    payOnRequest(em, invoice, pm);
  } finally {
    payAndSettle(em, invoice);
  }
  return em.expand(invoice, params);
}

function voidRoute(request: ApiRequest): Stripe.Invoice {
  const { em } = request;
  const invoice = em.invoice(idAt(request));
  if (invoice.status !== "open" && invoice.status !== "uncollectible") {
    throw invalidRequest(
      `You can only void an open or uncollectible invoice. This invoice is ${invoice.status}.`,
    );
  }
  voidInvoice(em, invoice, em.now(String(invoice.customer)));
  const subscriptionId = invoice.parent?.subscription_details?.subscription;
  const subscription = subscriptionId ? em.state.subscriptions[String(subscriptionId)] : undefined;
  if (subscription) settleStatus(em, subscription, false);
  return invoice;
}

function markUncollectible(request: ApiRequest): Stripe.Invoice {
  const { em } = request;
  const invoice = em.invoice(idAt(request));
  if (invoice.status !== "open") {
    throw invalidRequest(
      `You can only mark an open invoice uncollectible. This invoice is ${invoice.status}.`,
    );
  }
  invoice.status = "uncollectible";
  invoice.next_payment_attempt = null;
  invoice.status_transitions.marked_uncollectible_at = em.now(String(invoice.customer));
  em.emit("invoice.marked_uncollectible", invoice, { status: "open" }, String(invoice.customer));
  const subscriptionId = invoice.parent?.subscription_details?.subscription;
  const subscription = subscriptionId ? em.state.subscriptions[String(subscriptionId)] : undefined;
  if (subscription) settleStatus(em, subscription, false);
  return invoice;
}

/** A stored invoice shown as a preview: not numbered, not charged, not stored. */
function asPreview(invoice: Stripe.Invoice): Stripe.Invoice {
  const preview = structuredClone(invoice);
  preview.id = `upcoming_${invoice.id.slice(3)}`;
  preview.status = "draft";
  preview.number = null;
  preview.amount_paid = 0;
  preview.amount_remaining = preview.amount_due;
  preview.attempt_count = 0;
  preview.attempted = false;
  preview.next_payment_attempt = null;
  preview.hosted_invoice_url = null;
  preview.invoice_pdf = null;
  preview.effective_at = null;
  preview.status_transitions = {
    finalized_at: null,
    marked_uncollectible_at: null,
    paid_at: null,
    voided_at: null,
  };
  for (const line of preview.lines.data) line.invoice = null;
  return preview;
}

/**
 * What a subscription will invoice next: with `subscription_details`, what the change would
 * invoice at once (`always_invoice`, a new interval) or else on the next renewal. It is worked
 * out by doing it — the change, then the clock run to the next invoice — on a copy of the
 * state that is thrown away, so the preview is the invoice the real calls would make. Nothing
 * is stored and no event leaves.
 */
function preview({ em, params }: ApiRequest): Stripe.Invoice {
  const subscriptionId = str(params, "subscription");
  if (!subscriptionId) {
    throw invalidRequest("The emulator previews invoices of subscriptions only.", "subscription");
  }
  const subscription = em.subscription(subscriptionId, "subscription");
  const customer = str(params, "customer") ?? String(subscription.customer);
  em.customer(customer);
  if (subscription.customer !== customer) {
    throw invalidRequest("The subscription does not belong to this customer.", "subscription");
  }
  const details = obj(params, "subscription_details");
  const known = new Set(Object.keys(em.state.invoices));
  const original = em.state;
  em.state = structuredClone(original);
  try {
    const draft = em.subscription(subscription.id, "subscription");
    if (details) {
      const change: Params = {};
      for (const key of [
        "items",
        "proration_behavior",
        "proration_date",
        "billing_cycle_anchor",
        "cancel_at_period_end",
        "trial_end",
      ]) {
        const value = details[key];
        if (value !== undefined) change[key] = value;
      }
      updateSubscription(em, draft, change);
    }
    let invoice = newInvoiceOf(em, draft.id, known);
    if (!invoice && draft.status !== "canceled") {
      advance(em, draft.test_clock ? String(draft.test_clock) : null, nextBillingTime(draft));
      invoice = newInvoiceOf(em, draft.id, known);
    }
    if (!invoice) {
      throw invalidRequest(
        `No upcoming invoices for customer: ${customer}`,
        undefined,
        "invoice_upcoming_none",
      );
    }
    return asPreview(invoice);
  } finally {
    em.state = original;
  }
}

function nextBillingTime(subscription: Stripe.Subscription): number {
  if (subscription.status === "trialing" && subscription.trial_end !== null) {
    return subscription.trial_end;
  }
  return periodOf(subscription).end;
}

function newInvoiceOf(
  em: Emulator,
  subscription: string,
  known: Set<string>,
): Stripe.Invoice | undefined {
  return Object.values(em.state.invoices)
    .filter(
      (invoice) =>
        !known.has(invoice.id) &&
        invoice.parent?.subscription_details?.subscription === subscription,
    )
    .sort((a, b) => (em.state.order[a.id] ?? 0) - (em.state.order[b.id] ?? 0))[0];
}

export const invoiceRoutes = [
  route("POST", "/v1/invoices", create),
  route("GET", "/v1/invoices", list),
  route("POST", "/v1/invoices/create_preview", preview),
  route("GET", "/v1/invoices/:id", (request) =>
    request.em.expand(request.em.invoice(idAt(request)), request.params),
  ),
  // In the order the invoice embeds them, so its first ten are this list's first page.
  route("GET", "/v1/invoices/:id/lines", (request) => {
    const invoice = request.em.invoice(idAt(request));
    return request.em.page(invoice.lines.data, request.params, request.path, { ordered: true });
  }),
  route("POST", "/v1/invoices/:id/pay", pay),
  route("POST", "/v1/invoices/:id/finalize", (request) => {
    const invoice = request.em.invoice(idAt(request));
    finalizeInvoice(request.em, invoice);
    return invoice;
  }),
  route("POST", "/v1/invoices/:id/void", voidRoute),
  route("POST", "/v1/invoices/:id/mark_uncollectible", markUncollectible),
  route("DELETE", "/v1/invoices/:id", remove),
  route("POST", "/v1/invoices/:id", (request) => {
    const invoice = request.em.invoice(idAt(request));
    const description = str(request.params, "description");
    if (description !== undefined && (description || null) !== invoice.description) {
      const previous = { description: invoice.description };
      invoice.description = description || null;
      request.em.emit("invoice.updated", invoice, previous, String(invoice.customer));
    }
    return invoice;
  }),
];
