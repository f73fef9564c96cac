/** The invoices API: list, retrieve, lines, pay, void, mark uncollectible, create_preview. */
import type Stripe from "stripe";
import { invalidRequest, noSuch } from "./errors";
import { buildInvoice, type DraftLine, finalizeInvoice, payOnRequest } from "./invoices";
import { payAndSettle, settleStatus } from "./lifecycle";
import { usageLines } from "./meters";
import { int, obj, objList, oneOf, str } from "./params";
import { type ApiRequest, idAt, route } from "./router";
import {
  intervalOf,
  licensedLines,
  periodOf,
  prorationLines,
  subscriptionState,
} from "./subscriptions";
import { addInterval } from "./time";

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

function voidInvoice(request: ApiRequest): Stripe.Invoice {
  const { em } = request;
  const invoice = em.invoice(idAt(request));
  if (invoice.status !== "open" && invoice.status !== "uncollectible") {
    throw invalidRequest(
      `You can only void an open or uncollectible invoice. This invoice is ${invoice.status}.`,
    );
  }
  const previous = { status: invoice.status };
  invoice.status = "void";
  invoice.next_payment_attempt = null;
  invoice.status_transitions.voided_at = em.now(String(invoice.customer));
  em.emit("invoice.voided", invoice, previous, String(invoice.customer));
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

/**
 * What the subscription's next invoice would be, or — with `subscription_details[items]` —
 * what changing it would invoice (proration lines for the change, dated `proration_date`).
 * Nothing is stored and no event is sent.
 */
function preview({ em, params }: ApiRequest): Stripe.Invoice {
  const subscriptionId = str(params, "subscription");
  const subscription = subscriptionId ? em.subscription(subscriptionId, "subscription") : null;
  const customerId =
    str(params, "customer") ?? (subscription ? String(subscription.customer) : undefined);
  if (!customerId) throw invalidRequest("Missing required param: customer.", "customer");
  const customer = em.customer(customerId);
  if (!subscription) {
    throw invalidRequest(
      "The emulator previews invoices of existing subscriptions only.",
      "subscription",
    );
  }
  if (subscription.customer !== customer.id) {
    throw invalidRequest("The subscription does not belong to this customer.", "subscription");
  }
  const details = obj(params, "subscription_details") ?? {};
  const at =
    int(details, "proration_date", "subscription_details[proration_date]") ?? em.now(customer.id);
  const behaviour =
    oneOf(details, "proration_behavior", [
      "always_invoice",
      "create_prorations",
      "none",
    ] as const) ?? "create_prorations";
  const draft = structuredClone(subscription);
  const prorations: DraftLine[] = [];
  for (const [index, spec] of (
    objList(details, "items", "subscription_details[items]") ?? []
  ).entries()) {
    const itemId = str(spec, "id");
    const priceId = str(spec, "price");
    const item = draft.items.data.find((candidate) => candidate.id === itemId);
    if (!item)
      throw noSuch("subscription_item", itemId ?? "", `subscription_details[items][${index}][id]`);
    if (!priceId) continue;
    const price = em.price(priceId, `subscription_details[items][${index}][price]`);
    const quantity = int(spec, "quantity") ?? item.quantity ?? 1;
    if (draft.status !== "trialing" && behaviour !== "none") {
      for (const line of prorationLines(em, draft, item, price, quantity, at)) {
        prorations.push({
          ...line,
          price: em.price(line.price),
          subscriptionItem: line.subscriptionItem,
          proration: true,
        });
      }
    }
    item.price = price;
    item.quantity = quantity;
  }
  const pending: DraftLine[] = subscriptionState(em, subscription.id).pendingLines.map((line) => ({
    ...line,
    price: em.price(line.price),
    proration: true,
  }));
  const { start, end } = periodOf(draft);
  const recurring = intervalOf(draft);
  const next = addInterval(end, recurring.interval, recurring.interval_count);
  const lines =
    behaviour === "always_invoice"
      ? prorations
      : [
          ...pending,
          ...prorations,
          ...usageLines(em, draft, start, end, draft.status === "trialing"),
          ...licensedLines(em, draft, end, next, false),
        ];
  return buildInvoice(
    em,
    {
      customer,
      subscription: draft,
      reason: behaviour === "always_invoice" ? "subscription_update" : "upcoming",
      lines,
      periodStart: start,
      periodEnd: end,
    },
    { preview: true },
  );
}

export const invoiceRoutes = [
  route("GET", "/v1/invoices", list),
  route("POST", "/v1/invoices/create_preview", preview),
  route("GET", "/v1/invoices/:id", (request) =>
    request.em.expand(request.em.invoice(idAt(request)), request.params),
  ),
  route("GET", "/v1/invoices/:id/lines", (request) => {
    const invoice = request.em.invoice(idAt(request));
    return request.em.page(invoice.lines.data, request.params, request.path);
  }),
  route("POST", "/v1/invoices/:id/pay", pay),
  route("POST", "/v1/invoices/:id/finalize", (request) => {
    const invoice = request.em.invoice(idAt(request));
    finalizeInvoice(request.em, invoice);
    return invoice;
  }),
  route("POST", "/v1/invoices/:id/void", voidInvoice),
  route("POST", "/v1/invoices/:id/mark_uncollectible", markUncollectible),
  route("POST", "/v1/invoices/:id", (request) => {
    const invoice = request.em.invoice(idAt(request));
    const description = str(request.params, "description");
    if (description !== undefined) invoice.description = description || null;
    request.em.emit("invoice.updated", invoice, {}, String(invoice.customer));
    return invoice;
  }),
];
