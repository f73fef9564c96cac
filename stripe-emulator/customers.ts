/** Customers: create, retrieve, update, delete, list (with `email` and `test_clock` filters). */
import type Stripe from "stripe";
import type { Emulator } from "./context";
import { noSuch } from "./errors";
import { mergeMetadata, nullableStr, obj, str } from "./params";
import { type ApiRequest, idAt, route } from "./router";
import { cancelNow } from "./subscriptions";

function invoicePrefix(): string {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let out = "";
  for (let i = 0; i < 8; i++) out += letters[Math.floor(Math.random() * letters.length)];
  return out;
}

export interface NewCustomer {
  email: string | null;
  name: string | null;
  description?: string | null;
  phone?: string | null;
  metadata?: Stripe.Metadata;
  testClock?: string | null;
  defaultPaymentMethod?: string | null;
}

/** Stores a new customer and announces it with customer.created. */
export function createCustomer(em: Emulator, input: NewCustomer): Stripe.Customer {
  const id = em.newId("cus", 14);
  const clock = input.testClock ?? null;
  const customer: Stripe.Customer = {
    id,
    object: "customer",
    address: null,
    balance: 0,
    created: em.clockTime(clock),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: input.description ?? null,
    discount: null,
    email: input.email,
    invoice_prefix: invoicePrefix(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: input.defaultPaymentMethod ?? null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: input.metadata ?? {},
    name: input.name,
    next_invoice_sequence: 1,
    phone: input.phone ?? null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: clock,
  };
  em.state.customers[id] = customer;
  em.emit("customer.created", customer, undefined, id);
  return customer;
}

function create({ em, params }: ApiRequest): Stripe.Customer {
  const clock = str(params, "test_clock") ?? null;
  if (clock && !em.state.testClocks[clock]) throw noSuch("test_clock", clock, "test_clock");
  const settings = obj(params, "invoice_settings");
  const defaultPm = settings ? (str(settings, "default_payment_method") ?? null) : null;
  if (defaultPm && !em.state.paymentMethods[defaultPm]) {
    throw noSuch("PaymentMethod", defaultPm, "invoice_settings[default_payment_method]");
  }
  return createCustomer(em, {
    email: nullableStr(params, "email") ?? null,
    name: nullableStr(params, "name") ?? null,
    description: nullableStr(params, "description") ?? null,
    phone: nullableStr(params, "phone") ?? null,
    metadata: mergeMetadata({}, params),
    testClock: clock,
    defaultPaymentMethod: defaultPm,
  });
}

export function updateCustomer(
  em: Emulator,
  customer: Stripe.Customer,
  params: ApiRequest["params"],
): Stripe.Customer {
  const previous: Record<string, unknown> = {};
  const set = <K extends keyof Stripe.Customer>(key: K, value: Stripe.Customer[K] | undefined) => {
    if (value === undefined || JSON.stringify(customer[key]) === JSON.stringify(value)) return;
    previous[key] = structuredClone(customer[key]);
    customer[key] = value;
  };
  set("email", nullableStr(params, "email"));
  set("name", nullableStr(params, "name"));
  set("description", nullableStr(params, "description"));
  set("phone", nullableStr(params, "phone"));
  set("metadata", mergeMetadata(customer.metadata, params));
  const settings = obj(params, "invoice_settings");
  if (settings) {
    const pm = nullableStr(
      settings,
      "default_payment_method",
      "invoice_settings[default_payment_method]",
    );
    if (pm) em.customerPaymentMethod(pm, customer.id, "invoice_settings[default_payment_method]");
    if (pm !== undefined)
      set("invoice_settings", { ...customer.invoice_settings, default_payment_method: pm });
  }
  if (Object.keys(previous).length > 0)
    em.emit("customer.updated", customer, previous, customer.id);
  return customer;
}

function retrieve(request: ApiRequest): Stripe.Customer | Stripe.DeletedCustomer {
  const { em, params } = request;
  const id = idAt(request);
  if (em.state.deletedCustomers[id]) return { id, object: "customer", deleted: true };
  return em.expand(em.customer(id, "id"), params);
}

function remove(request: ApiRequest): Stripe.DeletedCustomer {
  const { em } = request;
  const id = idAt(request);
  const customer = em.customer(id, "id");
  for (const subscription of Object.values(em.state.subscriptions)) {
    if (subscription.customer === id && subscription.status !== "canceled") {
      cancelNow(em, subscription, "cancellation_requested");
    }
  }
  delete em.state.customers[id];
  em.state.deletedCustomers[id] = true;
  em.emit("customer.deleted", customer, undefined, null);
  return { id, object: "customer", deleted: true };
}

export const customerRoutes = [
  route("POST", "/v1/customers", create),
  route("GET", "/v1/customers", ({ em, params, path }) => {
    const email = str(params, "email");
    const clock = str(params, "test_clock");
    const created = em.createdFilter(params);
    const items = Object.values(em.state.customers).filter(
      (customer) =>
        (email === undefined || customer.email === email) &&
        (clock === undefined || customer.test_clock === clock) &&
        created(customer.created),
    );
    return em.expand(em.page(items, params, path), params);
  }),
  route("GET", "/v1/customers/:id", retrieve),
  route("POST", "/v1/customers/:id", (request) =>
    request.em.expand(
      updateCustomer(request.em, request.em.customer(idAt(request), "id"), request.params),
      request.params,
    ),
  ),
  route("DELETE", "/v1/customers/:id", remove),
];
