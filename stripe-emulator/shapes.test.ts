/**
 * Every object the emulator returns has every top-level key of Stripe's own example object for
 * its resource (testdata/stripe-fixtures.json, from Stripe's OpenAPI fixtures; MIT licence in
 * testdata/LICENSE-stripe-fixtures).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clockCustomer, createCatalog, DAY, startTestEmulator, type TestEmulator } from "./testing";

const fixtures = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "testdata/stripe-fixtures.json"), "utf8"),
) as { resources: Record<string, Record<string, unknown>> };

function missingKeys(resource: string, object: object): string[] {
  const reference = fixtures.resources[resource];
  if (!reference) throw new Error(`no reference object for ${resource}`);
  return Object.keys(reference).filter((key) => !(key in object));
}

let t: TestEmulator;
const objects: Record<string, object> = {};

beforeAll(async () => {
  t = await startTestEmulator();
  const stripe = t.stripe;
  const catalog = await createCatalog(stripe);
  objects.product = catalog.product;
  objects.price = catalog.monthly;
  const start = Date.UTC(2026, 0, 15) / 1000;
  const { clock, customer, paymentMethod } = await clockCustomer(stripe, start);
  objects.customer = await stripe.customers.retrieve(customer.id);
  objects.payment_method = paymentMethod;
  objects["test_helpers.test_clock"] = clock;
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: catalog.monthly.id }],
  });
  objects.subscription = subscription;
  objects.subscription_item = subscription.items.data[0] ?? {};
  const invoice = await stripe.invoices.retrieve(String(subscription.latest_invoice));
  objects.invoice = invoice;
  objects.line_item = invoice.lines.data[0] ?? {};
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [{ price: catalog.monthly.id, quantity: 1 }],
    success_url: "http://localhost:3000/done?session={CHECKOUT_SESSION_ID}",
  });
  objects["checkout.session"] = session;
  objects.item = (await stripe.checkout.sessions.listLineItems(session.id)).data[0] ?? {};
  const configuration = await stripe.billingPortal.configurations.create({
    features: { invoice_history: { enabled: true } },
    default_return_url: "http://localhost:3000/account",
  });
  objects["billing_portal.configuration"] = configuration;
  objects["billing_portal.session"] = await stripe.billingPortal.sessions.create({
    customer: customer.id,
  });
  const meter = await stripe.billing.meters.create({
    display_name: "Calls",
    event_name: "shape_calls",
    default_aggregation: { formula: "sum" },
  });
  objects["billing.meter"] = meter;
  objects["billing.meter_event"] = await stripe.billing.meterEvents.create({
    event_name: "shape_calls",
    payload: { stripe_customer_id: customer.id, value: "3" },
  });
  objects["billing.meter_event_summary"] =
    (
      await stripe.billing.meters.listEventSummaries(meter.id, {
        customer: customer.id,
        start_time: start - DAY,
        end_time: start + DAY,
      })
    ).data[0] ?? {};
  objects.event = (await stripe.events.list({ limit: 1 })).data[0] ?? {};
  const endpoint = await stripe.webhookEndpoints.create({
    url: "http://127.0.0.1:9/hook",
    enabled_events: ["*"],
  });
  objects.webhook_endpoint = await stripe.webhookEndpoints.retrieve(endpoint.id);
});
afterAll(() => t.close());

describe("object shapes", () => {
  it("covers every resource in the reference data", () => {
    expect(Object.keys(objects).sort()).toEqual(Object.keys(fixtures.resources).sort());
  });

  it.each(Object.keys(fixtures.resources))(
    "%s has every key of Stripe's reference object",
    (resource) => {
      const object = objects[resource] as { object?: string } | undefined;
      expect(object, `no emulated ${resource}`).toBeDefined();
      expect(missingKeys(resource, object ?? {})).toEqual([]);
      expect(object?.object).toBe(fixtures.resources[resource]?.object);
    },
  );

  it("keeps the webhook secret out of everything but the create answer", () => {
    expect("secret" in (objects.webhook_endpoint as Stripe.WebhookEndpoint)).toBe(false);
  });
});
