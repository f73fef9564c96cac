/**
 * Test support: an in-memory emulator on a free port, a stripe-node client pointed at it, and
 * the control API. Webhook retries are compressed to milliseconds.
 */
import Stripe from "stripe";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "./index";

export interface TestEmulator {
  emu: RunningEmulator;
  stripe: Stripe;
  control<T = unknown>(
    method: "GET" | "POST",
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** A client for `emu`; `config` overrides the defaults (no retries), say a short `timeout`. */
export function clientFor(
  emu: RunningEmulator,
  key = emu.secretKey,
  config: Stripe.StripeConfig = {},
): Stripe {
  const url = new URL(emu.url);
  return new Stripe(key, {
    host: url.hostname,
    port: url.port,
    protocol: "http",
    apiVersion: "2026-10-28.endive",
    maxNetworkRetries: 0,
    ...config,
  });
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emu = await startEmulator({
    port: 0,
    webhookRetrySchedule: [50, 100, 200],
    webhookTimeoutMs: 1_000,
    ...options,
  });
  return {
    emu,
    stripe: clientFor(emu),
    async control<T>(method: "GET" | "POST", path: string, body?: unknown) {
      const response = await fetch(`${emu.url}/_emulator${path}`, {
        method,
        headers: { authorization: `Bearer ${emu.secretKey}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
    close: () => emu.close(),
  };
}

export interface Catalog {
  product: Stripe.Product;
  enterprise: Stripe.Product;
  monthly: Stripe.Price;
  yearly: Stripe.Price;
  enterpriseMonthly: Stripe.Price;
}

/** A Pro product with monthly (2900) and yearly (29000) prices and an Enterprise one (29900). */
export async function createCatalog(stripe: Stripe): Promise<Catalog> {
  const product = await stripe.products.create({ name: "Pro" });
  const enterprise = await stripe.products.create({ name: "Enterprise" });
  const monthly = await stripe.prices.create({
    product: product.id,
    currency: "usd",
    unit_amount: 2900,
    recurring: { interval: "month" },
    lookup_key: `pro_monthly_${product.id}`,
  });
  const yearly = await stripe.prices.create({
    product: product.id,
    currency: "usd",
    unit_amount: 29000,
    recurring: { interval: "year" },
  });
  const enterpriseMonthly = await stripe.prices.create({
    product: enterprise.id,
    currency: "usd",
    unit_amount: 29900,
    recurring: { interval: "month" },
  });
  return { product, enterprise, monthly, yearly, enterpriseMonthly };
}

/** A customer on a new test clock frozen at `start`, paying with `card` (a pm_card_* id). */
export async function clockCustomer(
  stripe: Stripe,
  start: number,
  card = "pm_card_visa",
): Promise<{
  clock: Stripe.TestHelpers.TestClock;
  customer: Stripe.Customer;
  paymentMethod: Stripe.PaymentMethod;
}> {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
  const customer = await stripe.customers.create({
    email: "clock@example.com",
    test_clock: clock.id,
  });
  const paymentMethod = await stripe.paymentMethods.attach(card, { customer: customer.id });
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: paymentMethod.id },
  });
  return { clock, customer, paymentMethod };
}

/** Event types about one customer's objects, oldest first, after `after` (an event id). */
export async function eventTypes(
  stripe: Stripe,
  filter: (event: Stripe.Event) => boolean,
): Promise<string[]> {
  const events: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) events.push(event);
  return events
    .reverse()
    .filter(filter)
    .map((event) => event.type);
}

export const DAY = 86_400;

/** The Stripe error a call fails with; fails the test when the call succeeds. */
export async function stripeError(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error("the call succeeded, an error was expected");
}
