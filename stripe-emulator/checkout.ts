/**
 * Checkout Sessions in subscription mode: create, retrieve, list, line items, expire, and
 * completion from the hosted page (`completeCheckout`).
 *
 * Completing a session: the card becomes a payment method of the customer (created now when
 * the session named none), the subscription starts (with its trial, if any) and
 * checkout.session.completed follows the subscription's and invoice's events. A declined card
 * changes nothing and is reported to the page.
 */
import type Stripe from "stripe";
import { type CardDetails, checkCard, createCardPaymentMethod } from "./cards";
import { productName } from "./catalog";
import type { Emulator } from "./context";
import { createCustomer } from "./customers";
import { cardError, invalidRequest, noSuch } from "./errors";
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
  strList,
} from "./params";
import { type ApiRequest, idAt, route } from "./router";
import { createSubscription } from "./subscriptions";
import { amountFor } from "./tiers";
import { DAY } from "./time";

/** Settings Stripe keeps on the session but does not return as fields. */
interface SessionSettings {
  trialDays: number | null;
  trialEnd: number | null;
  subscriptionMetadata: Stripe.Metadata;
  description: string | null;
}

const settingsKey = (id: string) => `${id}:settings`;

function checkUrl(params: Params, key: string): string | null {
  const value = nullableStr(params, key) ?? null;
  if (value === null) return null;
  // The URL parser drops tabs and line breaks; a Location header cannot carry them.
  if ([...value].some((char) => char.charCodeAt(0) <= 0x20 || char.charCodeAt(0) === 0x7f)) {
    throw invalidRequest("Not a valid URL", key, "url_invalid");
  }
  try {
    const url = new URL(value.replace("{CHECKOUT_SESSION_ID}", "x"));
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("protocol");
  } catch {
    throw invalidRequest(`Not a valid URL`, key, "url_invalid");
  }
  return value;
}

function lineItem(em: Emulator, price: Stripe.Price, quantity: number): Stripe.LineItem {
  const amount = amountFor(em, price, quantity);
  return {
    id: em.newId("li", 24),
    object: "item",
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description: productName(em, price),
    metadata: {},
    price: structuredClone(price),
    quantity,
  };
}

function create({ em, params }: ApiRequest): Stripe.Checkout.Session {
  const mode = oneOf(params, "mode", ["payment", "setup", "subscription"] as const);
  if (!mode) throw invalidRequest("Missing required param: mode.", "mode");
  if (mode !== "subscription") {
    throw invalidRequest("The emulator supports Checkout in subscription mode only.", "mode");
  }
  const customerId = str(params, "customer") || null;
  const customer = customerId ? em.customer(customerId) : null;
  const customerEmail = str(params, "customer_email") || null;
  if (customer && customerEmail) {
    throw invalidRequest(
      "You may only specify one of these parameters: customer, customer_email.",
      "customer_email",
    );
  }
  const specs = objList(params, "line_items");
  if (!specs || specs.length === 0)
    throw invalidRequest("Missing required param: line_items.", "line_items");
  const items = specs.map((spec, index) => {
    const price = em.price(
      requiredStr(spec, "price", `line_items[${index}][price]`),
      `line_items[${index}][price]`,
    );
    if (!price.active)
      throw invalidRequest(
        `The price \`${price.id}\` is not active.`,
        `line_items[${index}][price]`,
      );
    if (price.type !== "recurring") {
      throw invalidRequest(
        "Subscription mode needs at least one recurring price.",
        `line_items[${index}][price]`,
      );
    }
    const metered = price.recurring?.usage_type === "metered";
    const quantity = int(spec, "quantity", `line_items[${index}][quantity]`);
    if (metered && quantity !== undefined) {
      throw invalidRequest(
        "Quantity should not be specified where usage_type is `metered`.",
        `line_items[${index}][quantity]`,
      );
    }
    if (quantity !== undefined && quantity < 1) {
      throw invalidRequest(
        "This value must be greater than or equal to 1.",
        `line_items[${index}][quantity]`,
      );
    }
    return lineItem(em, price, metered ? 1 : (quantity ?? 1));
  });
  const successUrl = checkUrl(params, "success_url");
  if (!successUrl) throw invalidRequest("Missing required param: success_url.", "success_url");
  const subscriptionData = obj(params, "subscription_data") ?? {};
  const trialDays =
    int(subscriptionData, "trial_period_days", "subscription_data[trial_period_days]") ?? null;
  if (trialDays !== null && (trialDays < 1 || trialDays > 730)) {
    throw invalidRequest(
      "trial_period_days must be between 1 and 730.",
      "subscription_data[trial_period_days]",
    );
  }
  // Sessions expire on wall time, like the tick that expires them, whatever the customer's clock.
  const now = em.wallNow();
  const expiresAt = int(params, "expires_at") ?? now + DAY;
  if (expiresAt < now + 1800 || expiresAt > now + DAY) {
    throw invalidRequest(
      "expires_at must be between 30 minutes and 24 hours from now.",
      "expires_at",
    );
  }
  const trialEnd = int(subscriptionData, "trial_end", "subscription_data[trial_end]") ?? null;
  if (trialEnd !== null && trialEnd < em.now(customerId) + 2 * DAY) {
    throw invalidRequest(
      "subscription_data[trial_end] must be at least 48 hours in the future.",
      "subscription_data[trial_end]",
    );
  }
  const id = em.newId("cs_test", 58);
  const total = items.reduce(
    (sum, item) => sum + (item.price?.recurring?.usage_type === "metered" ? 0 : item.amount_total),
    0,
  );
  const session: Stripe.Checkout.Session = {
    id,
    object: "checkout.session",
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: bool(params, "allow_promotion_codes") ?? null,
    allowed_payment_method_types: null,
    amount_subtotal: total,
    amount_total: total,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: checkUrl(params, "cancel_url"),
    client_reference_id: str(params, "client_reference_id") || null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency: items[0]?.currency ?? "usd",
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: customer?.id ?? null,
    customer_account: null,
    customer_creation: customer ? null : "always",
    customer_details: customer
      ? {
          address: null,
          business_name: null,
          email: customer.email,
          individual_name: null,
          name: customer.name ?? null,
          phone: null,
          tax_exempt: "none",
          tax_ids: [],
        }
      : null,
    customer_email: customerEmail,
    discounts: [],
    expires_at: expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: mergeMetadata({}, params),
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: "always",
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: ["card"],
    payment_status: "unpaid",
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: null,
    subscription: null,
    success_url: successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    url: `${em.baseUrl()}/c/pay/${id}`,
    wallet_options: null,
  };
  em.state.checkoutSessions[id] = session;
  em.state.checkoutLineItems[id] = items;
  const settings: SessionSettings = {
    trialDays,
    trialEnd,
    subscriptionMetadata: mergeMetadata({}, subscriptionData),
    description: str(subscriptionData, "description") ?? null,
  };
  em.state.checkoutSettings[settingsKey(id)] = settings;
  return withLineItems(em, session, params);
}

/**
 * `line_items` is not stored on the session: Stripe includes it only when it is expanded, and
 * paths below it (`line_items.data.price.tiers`) expand inside that list.
 */
function withLineItems(
  em: Emulator,
  session: Stripe.Checkout.Session,
  params: Params,
): Stripe.Checkout.Session {
  const paths = strList(params, "expand") ?? [];
  const inside = (path: string) => path === "line_items" || path.startsWith("line_items.");
  const expanded = em.expand(session, { expand: paths.filter((path) => !inside(path)) });
  if (!paths.some(inside)) return expanded;
  const list: Stripe.ApiList<Stripe.LineItem> = {
    object: "list",
    data: em.state.checkoutLineItems[session.id] ?? [],
    has_more: false,
    url: `/v1/checkout/sessions/${session.id}/line_items`,
  };
  const below = paths
    .filter((path) => path.startsWith("line_items."))
    .map((path) => path.slice(11));
  return { ...expanded, line_items: em.expand(list, { expand: below }) };
}

export function checkoutSession(em: Emulator, id: string): Stripe.Checkout.Session {
  const session = em.state.checkoutSessions[id];
  if (!session) throw noSuch("checkout.session", id, "session");
  return session;
}

export function sessionTrialDays(em: Emulator, session: Stripe.Checkout.Session): number | null {
  const settings = em.state.checkoutSettings[settingsKey(session.id)];
  if (!settings) return null;
  if (settings.trialEnd)
    return Math.ceil((settings.trialEnd - em.now(String(session.customer ?? ""))) / DAY);
  return settings.trialDays;
}

export function expireSession(em: Emulator, session: Stripe.Checkout.Session): void {
  if (session.status !== "open") {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
    );
  }
  session.status = "expired";
  session.url = null;
  em.emit(
    "checkout.session.expired",
    session,
    undefined,
    session.customer ? String(session.customer) : null,
  );
}

/**
 * Pays a session with a card from the hosted page. Throws the card error for a declined card
 * (nothing is created) and an invalid-request error for a session that is not open.
 */
export function completeCheckout(
  em: Emulator,
  session: Stripe.Checkout.Session,
  card: CardDetails,
): Stripe.Checkout.Session {
  if (session.status !== "open") {
    throw invalidRequest(
      `This Checkout Session is ${session.status}.`,
      "session",
      "checkout_session_not_open",
    );
  }
  // The clock's tick marks it expired; a payment racing the tick is refused all the same.
  if (session.expires_at <= em.wallNow()) {
    throw invalidRequest(
      "This Checkout Session has expired.",
      "session",
      "checkout_session_expired",
    );
  }
  const settings = em.state.checkoutSettings[settingsKey(session.id)];
  const items = em.state.checkoutLineItems[session.id] ?? [];
  const trialDays = sessionTrialDays(em, session);
  const tested = checkCard(card);
  // Without a trial the first invoice is charged now, so a card whose charges fail is declined.
  const chargesNow = !trialDays && (session.amount_total ?? 0) > 0;
  if (chargesNow && tested.behaviour === "fail_charges") {
    throw cardError("card_declined", "Your card was declined.", "", "generic_decline");
  }
  let customer: Stripe.Customer;
  if (session.customer) {
    customer = em.customer(String(session.customer));
  } else {
    customer = createCustomer(em, {
      email: card.email ?? session.customer_email,
      name: card.name ?? null,
    });
    session.customer = customer.id;
  }
  const paymentMethod = createCardPaymentMethod(
    em,
    { ...card, email: card.email ?? customer.email },
    customer.id,
  );
  const now = em.now(customer.id);
  const subscription = createSubscription(em, {
    customer,
    items: items.map((item) => ({
      price: item.price as Stripe.Price,
      quantity: item.quantity ?? 1,
    })),
    trialEnd: settings?.trialEnd ?? (trialDays ? now + trialDays * DAY : null),
    defaultPaymentMethod: paymentMethod.id,
    metadata: { ...settings?.subscriptionMetadata },
    description: settings?.description ?? null,
  });
  session.status = "complete";
  session.url = null;
  session.subscription = subscription.id;
  session.invoice =
    typeof subscription.latest_invoice === "string" ? subscription.latest_invoice : null;
  session.payment_status = trialDays ? "no_payment_required" : "paid";
  session.customer_details = {
    address: null,
    business_name: null,
    email: customer.email,
    individual_name: null,
    name: card.name ?? customer.name ?? null,
    phone: null,
    tax_exempt: "none",
    tax_ids: [],
  };
  em.emit("checkout.session.completed", session, undefined, customer.id);
  return session;
}

function list({ em, params, path }: ApiRequest): Stripe.ApiList<Stripe.Checkout.Session> {
  const customer = str(params, "customer");
  const subscription = str(params, "subscription");
  const status = oneOf(params, "status", ["complete", "expired", "open"] as const);
  const created = em.createdFilter(params);
  const items = Object.values(em.state.checkoutSessions).filter(
    (session) =>
      (customer === undefined || session.customer === customer) &&
      (subscription === undefined || session.subscription === subscription) &&
      (status === undefined || session.status === status) &&
      created(session.created),
  );
  return em.expand(em.page(items, params, path), params);
}

export const checkoutRoutes = [
  route("POST", "/v1/checkout/sessions", create),
  route("GET", "/v1/checkout/sessions", list),
  route("GET", "/v1/checkout/sessions/:id", (request) =>
    withLineItems(request.em, checkoutSession(request.em, idAt(request)), request.params),
  ),
  route("GET", "/v1/checkout/sessions/:id/line_items", (request) => {
    const session = checkoutSession(request.em, idAt(request));
    const page = request.em.page(
      request.em.state.checkoutLineItems[session.id] ?? [],
      request.params,
      request.path,
    );
    return request.em.expand(page, request.params);
  }),
  route("POST", "/v1/checkout/sessions/:id/expire", (request) => {
    const session = checkoutSession(request.em, idAt(request));
    expireSession(request.em, session);
    return session;
  }),
];
