/** Payment methods: create from a test card or token, attach, detach, retrieve, list. */
import type Stripe from "stripe";
import { createCardPaymentMethod, isTestToken } from "./cards";
import type { Emulator } from "./context";
import { invalidRequest, noSuch } from "./errors";
import { int, obj, oneOf, requiredStr, str } from "./params";
import { type ApiRequest, idAt, route } from "./router";

function paymentMethod(em: Emulator, id: string): Stripe.PaymentMethod {
  const found = em.state.paymentMethods[id];
  if (!found) throw noSuch("PaymentMethod", id, "payment_method");
  return found;
}

function create({ em, params }: ApiRequest): Stripe.PaymentMethod {
  const type = requiredStr(params, "type");
  if (type !== "card")
    throw invalidRequest("The emulator supports card payment methods only.", "type");
  const card = obj(params, "card");
  if (!card) throw invalidRequest("Missing required param: card.", "card");
  const token = str(card, "token", "card[token]");
  const year = new Date().getUTCFullYear() + 3;
  return createCardPaymentMethod(
    em,
    {
      number: token ?? requiredStr(card, "number", "card[number]"),
      expMonth: int(card, "exp_month", "card[exp_month]") ?? 12,
      expYear: int(card, "exp_year", "card[exp_year]") ?? year,
    },
    null,
  );
}

/** Attaches a payment method; Stripe's `pm_card_*` test ids make a new one each time. */
export function attachPaymentMethod(
  em: Emulator,
  id: string,
  customerId: string,
): Stripe.PaymentMethod {
  em.customer(customerId);
  if (isTestToken(id)) {
    return createCardPaymentMethod(
      em,
      { number: id, expMonth: 12, expYear: new Date().getUTCFullYear() + 3 },
      customerId,
    );
  }
  const found = paymentMethod(em, id);
  if (found.customer && found.customer !== customerId) {
    throw invalidRequest(
      "This PaymentMethod is already attached to another customer.",
      "payment_method",
    );
  }
  if (found.customer !== customerId) {
    found.customer = customerId;
    em.emit("payment_method.attached", found, undefined, customerId);
  }
  return found;
}

export const paymentMethodRoutes = [
  route("POST", "/v1/payment_methods", create),
  route("GET", "/v1/payment_methods", ({ em, params, path }) => {
    const customer = str(params, "customer");
    const type = oneOf(params, "type", ["card"] as const);
    const items = Object.values(em.state.paymentMethods).filter(
      (found) =>
        (customer === undefined || found.customer === customer) && (!type || found.type === type),
    );
    return em.page(items, params, path);
  }),
  route("GET", "/v1/payment_methods/:id", (request) => paymentMethod(request.em, idAt(request))),
  route("POST", "/v1/payment_methods/:id/attach", (request) =>
    attachPaymentMethod(request.em, idAt(request), requiredStr(request.params, "customer")),
  ),
  route("POST", "/v1/payment_methods/:id/detach", (request) => {
    const found = paymentMethod(request.em, idAt(request));
    const customer = found.customer ? String(found.customer) : null;
    if (!customer)
      throw invalidRequest("The payment method you provided is not attached to a customer.");
    found.customer = null;
    request.em.emit("payment_method.detached", found, { customer }, customer);
    return found;
  }),
  route("GET", "/v1/customers/:id/payment_methods", (request) => {
    const { em, params, path } = request;
    const customer = em.customer(idAt(request), "customer").id;
    return em.page(
      Object.values(em.state.paymentMethods).filter((found) => found.customer === customer),
      params,
      path,
    );
  }),
];
