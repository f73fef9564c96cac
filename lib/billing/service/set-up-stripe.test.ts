import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withAmount, withPrice } from "@/lib/testing/catalog";
import { type RunningEmulator, startEmulator } from "../../../stripe-emulator";
import { API_CALLS_METER, PLANS } from "../catalog/plans";
import { stripeCatalog } from "../catalog/push-catalog";
import { HANDLED_WEBHOOK_EVENTS } from "../mirror/webhook-events";
import { createStripeClient } from "../stripe/client";
import { setUpStripe } from "./set-up-stripe";

const FRONTEND_URL = "http://localhost:3000";
// Nothing listens there; the endpoint only subscribes to events the sync never causes.
const WEBHOOK_URL = "http://127.0.0.1:9/api/stripe/webhook";

let emulator: RunningEmulator;
let stripe: Stripe;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0 });
  stripe = createStripeClient({
    STRIPE_SECRET_KEY: emulator.secretKey,
    STRIPE_API_BASE: emulator.url,
    STRIPE_EMULATOR_PORT: emulator.port,
  });
});

afterEach(async () => {
  await emulator.close();
});

/** The active price under a lookup key, with its tiers. */
async function priceByLookupKey(lookupKey: string): Promise<Stripe.Price> {
  const { data } = await stripe.prices.list({
    lookup_keys: [lookupKey],
    active: true,
    expand: ["data.tiers"],
  });
  const [price, ...others] = data;
  if (!price) throw new Error(`no active price with lookup key ${lookupKey}`);
  expect(others).toEqual([]);
  return price;
}

/** The portal configuration the sync manages. */
async function tollgatePortal(): Promise<Stripe.BillingPortal.Configuration> {
  const { data } = await stripe.billingPortal.configurations.list();
  const portal = data.find((configuration) => configuration.metadata?.tollgate === "portal");
  if (!portal) throw new Error("no portal configuration");
  return portal;
}

describe("setUpStripe", () => {
  it("creates the catalog once and changes nothing on a second run", async () => {
    const first = await setUpStripe(stripe, {
      frontendUrl: FRONTEND_URL,
      webhookUrl: WEBHOOK_URL,
    });
    expect(first.changes.length).toBeGreaterThan(0);
    expect(first.changes.every((change) => change.action === "created")).toBe(true);
    expect(first.changes.filter((change) => change.kind === "price")).toHaveLength(6);
    expect(first.webhookSecret).toMatch(/^whsec_/);

    const second = await setUpStripe(stripe, {
      frontendUrl: FRONTEND_URL,
      webhookUrl: WEBHOOK_URL,
    });
    expect(second.changes.filter((change) => change.action !== "unchanged")).toEqual([]);
    expect(second.changes.map((change) => change.id)).toEqual(
      first.changes.map((change) => change.id),
    );
    expect(second.webhookSecret).toBeNull();
  });

  it("makes every lookup key resolve to a per-member price with the catalog's amounts and interval", async () => {
    await setUpStripe(stripe, { frontendUrl: FRONTEND_URL });

    // [up_to, flat_amount, unit_amount] of each tier; the last one's up_to is inf (null).
    const tiersOf = (price: Stripe.Price) =>
      price.tiers?.map((tier) => [tier.up_to, tier.flat_amount ?? 0, tier.unit_amount]);

    const proMonthly = await priceByLookupKey("pro_monthly");
    expect(proMonthly).toMatchObject({
      billing_scheme: "tiered",
      tiers_mode: "graduated",
      unit_amount: null,
      currency: "usd",
      product: "tollgate_pro",
    });
    expect(proMonthly.recurring).toMatchObject({ interval: "month", usage_type: "licensed" });
    // $29 for up to 3 members, then $9 per member.
    expect(tiersOf(proMonthly)).toEqual([
      [3, PLANS.pro.prices.monthly.amount, 0],
      [null, 0, 900],
    ]);

    const enterpriseYearly = await priceByLookupKey("enterprise_yearly");
    expect(enterpriseYearly.recurring?.interval).toBe("year");
    expect(enterpriseYearly.product).toBe("tollgate_enterprise");
    expect(tiersOf(enterpriseYearly)).toEqual([
      [25, PLANS.enterprise.prices.yearly.amount, 0],
      [null, 0, 6000],
    ]);

    const product = await stripe.products.retrieve("tollgate_pro");
    expect(product.name).toBe("Pro");
    expect(product.metadata.tollgate_tier).toBe("pro");
  });

  it("ties a metered API-calls price per paid tier to the summing meter", async () => {
    await setUpStripe(stripe, { frontendUrl: FRONTEND_URL });

    const meters = await stripe.billing.meters.list();
    const meter = meters.data.find((item) => item.event_name === API_CALLS_METER.eventName);
    expect(meter?.default_aggregation.formula).toBe("sum");
    expect(meter?.customer_mapping.event_payload_key).toBe("stripe_customer_id");
    expect(meter?.value_settings.event_payload_key).toBe("value");

    for (const [lookupKey, product] of [
      ["pro_api_calls", "tollgate_pro"],
      ["enterprise_api_calls", "tollgate_enterprise"],
    ] as const) {
      const price = await priceByLookupKey(lookupKey);
      expect(price.product).toBe(product);
      expect(price.recurring?.usage_type).toBe("metered");
      expect(price.recurring?.meter).toBe(meter?.id);
      expect(String(price.unit_amount_decimal)).toMatch(/^0\.\d+$/);
    }
  });

  it("moves a lookup key to a new price when the amount changes and archives the old one", async () => {
    await setUpStripe(stripe, { frontendUrl: FRONTEND_URL });
    const old = await priceByLookupKey("pro_monthly");
    const otherBefore = await priceByLookupKey("pro_yearly");

    const changed = withAmount(stripeCatalog(), "pro_monthly", 39_00);
    const report = await setUpStripe(stripe, { frontendUrl: FRONTEND_URL, catalog: changed });

    const current = await priceByLookupKey("pro_monthly");
    expect(current.id).not.toBe(old.id);
    expect(current.tiers?.[0]?.flat_amount).toBe(39_00);
    const archived = await stripe.prices.retrieve(old.id);
    expect(archived.active).toBe(false);
    expect(archived.lookup_key).toBeNull();
    expect((await priceByLookupKey("pro_yearly")).id).toBe(otherBefore.id);

    const priceChanges = report.changes.filter((change) => change.key === "pro_monthly");
    expect(priceChanges).toEqual([
      { kind: "price", key: "pro_monthly", id: current.id, action: "created" },
      { kind: "price", key: "pro_monthly", id: old.id, action: "archived" },
    ]);
    // The portal lists no prices, so a new one leaves it as it was.
    expect(report.changes.find((change) => change.kind === "portal_configuration")?.action).toBe(
      "unchanged",
    );

    const again = await setUpStripe(stripe, { frontendUrl: FRONTEND_URL, catalog: changed });
    expect(again.changes.filter((change) => change.action !== "unchanged")).toEqual([]);
  });

  it("moves a lookup key to a new price when the extra-seat amount changes", async () => {
    await setUpStripe(stripe, { frontendUrl: FRONTEND_URL });
    const old = await priceByLookupKey("enterprise_monthly");

    const changed = withPrice(stripeCatalog(), "enterprise_monthly", { extraSeatAmount: 7_00 });
    const report = await setUpStripe(stripe, { frontendUrl: FRONTEND_URL, catalog: changed });

    const current = await priceByLookupKey("enterprise_monthly");
    expect(current.tiers?.map((tier) => tier.unit_amount)).toEqual([0, 7_00]);
    expect(report.changes.filter((change) => change.action !== "unchanged")).toEqual([
      { kind: "price", key: "enterprise_monthly", id: current.id, action: "created" },
      { kind: "price", key: "enterprise_monthly", id: old.id, action: "archived" },
    ]);
  });

  it("replaces a per-unit price under a plan's lookup key with the per-member one, once", async () => {
    // What an account synced before seat pricing holds: a flat $29 per unit under pro_monthly.
    await stripe.products.create({ id: "tollgate_pro", name: "Pro" });
    const perUnit = await stripe.prices.create({
      product: "tollgate_pro",
      currency: "usd",
      unit_amount: 29_00,
      recurring: { interval: "month" },
      lookup_key: "pro_monthly",
    });

    const report = await setUpStripe(stripe, { frontendUrl: FRONTEND_URL });
    const current = await priceByLookupKey("pro_monthly");
    expect(current.billing_scheme).toBe("tiered");
    expect(report.changes.filter((change) => change.key === "pro_monthly")).toEqual([
      { kind: "price", key: "pro_monthly", id: current.id, action: "created" },
      { kind: "price", key: "pro_monthly", id: perUnit.id, action: "archived" },
    ]);
    expect((await stripe.prices.retrieve(perUnit.id)).active).toBe(false);

    const again = await setUpStripe(stripe, { frontendUrl: FRONTEND_URL });
    expect(again.changes.filter((change) => change.action !== "unchanged")).toEqual([]);
  });

  it("puts a product's name back when it was changed in Stripe", async () => {
    await setUpStripe(stripe, { frontendUrl: FRONTEND_URL });
    await stripe.products.update("tollgate_pro", { name: "Renamed in the dashboard" });

    const report = await setUpStripe(stripe, { frontendUrl: FRONTEND_URL });
    expect(report.changes.filter((change) => change.action !== "unchanged")).toEqual([
      { kind: "product", key: "tollgate_pro", id: "tollgate_pro", action: "updated" },
    ]);
    expect((await stripe.products.retrieve("tollgate_pro")).name).toBe("Pro");
  });

  it("configures the portal for the card, billing details, invoices and cancel, never plan changes", async () => {
    await setUpStripe(stripe, { frontendUrl: FRONTEND_URL });
    const portal = await tollgatePortal();

    expect(portal.default_return_url).toBe(`${FRONTEND_URL}/account/billing`);
    expect(portal.features.subscription_cancel).toMatchObject({
      enabled: true,
      mode: "at_period_end",
    });
    expect(portal.features.customer_update.enabled).toBe(true);
    expect(new Set(portal.features.customer_update.allowed_updates)).toEqual(
      new Set(["address", "name", "tax_id"]),
    );
    expect(portal.features.invoice_history.enabled).toBe(true);
    expect(portal.features.payment_method_update.enabled).toBe(true);
    expect(portal.features.subscription_update.enabled).toBe(false);
  });

  it("turns plan switching off in a portal configuration that had it on", async () => {
    const proYearly = async () => (await priceByLookupKey("pro_yearly")).id;
    await setUpStripe(stripe, { frontendUrl: FRONTEND_URL });
    const portal = await tollgatePortal();
    await stripe.billingPortal.configurations.update(portal.id, {
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ["price"],
          proration_behavior: "create_prorations",
          products: [{ product: "tollgate_pro", prices: [await proYearly()] }],
        },
      },
    });

    const report = await setUpStripe(stripe, { frontendUrl: FRONTEND_URL });
    expect(report.changes.filter((change) => change.action !== "unchanged")).toEqual([
      { kind: "portal_configuration", key: "portal", id: portal.id, action: "updated" },
    ]);
    expect((await tollgatePortal()).features.subscription_update.enabled).toBe(false);
  });

  it("gives a customer no way to switch plans in the portal", async () => {
    await setUpStripe(stripe, { frontendUrl: FRONTEND_URL });
    const portal = await tollgatePortal();
    // One item: the only kind of subscription a portal could offer a switch for.
    const yearly = await priceByLookupKey("pro_yearly");
    const monthly = await priceByLookupKey("pro_monthly");
    const customer = await stripe.customers.create({ email: "portal@example.com" });
    const card = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: yearly.id }],
      default_payment_method: card.id,
    });
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: portal.id,
    });

    const page = await (await fetch(session.url)).text();
    expect(page).toContain("Cancel plan");
    expect(page).not.toContain("Switch to");
    const posted = await fetch(session.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        action: "update",
        subscription: subscription.id,
        price: monthly.id,
      }).toString(),
      redirect: "manual",
    });
    expect(posted.status).toBe(400);
    const after = await stripe.subscriptions.retrieve(subscription.id);
    expect(after.items.data.map((item) => item.price.id)).toEqual([yearly.id]);
  });

  it("subscribes the webhook endpoint to the handled events, and replaces it on request", async () => {
    const first = await setUpStripe(stripe, {
      frontendUrl: FRONTEND_URL,
      webhookUrl: WEBHOOK_URL,
    });
    const { data } = await stripe.webhookEndpoints.list();
    expect(data).toHaveLength(1);
    expect(new Set(data[0]?.enabled_events)).toEqual(new Set(HANDLED_WEBHOOK_EVENTS));

    const replaced = await setUpStripe(stripe, {
      frontendUrl: FRONTEND_URL,
      webhookUrl: WEBHOOK_URL,
      replaceWebhookEndpoint: true,
    });
    expect(replaced.webhookSecret).toMatch(/^whsec_/);
    expect(replaced.webhookSecret).not.toBe(first.webhookSecret);
    const after = await stripe.webhookEndpoints.list();
    expect(after.data.map((endpoint) => endpoint.url)).toEqual([WEBHOOK_URL]);
  });

  it("touches no webhook endpoint without a webhook URL", async () => {
    const report = await setUpStripe(stripe, { frontendUrl: FRONTEND_URL });
    expect(report.changes.some((change) => change.kind === "webhook_endpoint")).toBe(false);
    expect(report.webhookSecret).toBeNull();
    expect((await stripe.webhookEndpoints.list()).data).toEqual([]);
  });
});
