/**
 * Tiered prices billed by quantity, as Stripe bills them: a graduated price with a flat first
 * tier (a plan that includes some seats, then a price per further seat), its prorations when the
 * quantity or the price changes, previews, and Checkout with a quantity. Expected amounts are
 * worked out by hand from the tiers, not by the emulator's own code.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clockCustomer, startTestEmulator, stripeError, type TestEmulator } from "./testing";

let t: TestEmulator;
/** Pro: $29/month for up to 3 seats, then $9 per seat. Enterprise: 25 seats, then $6 (or $60/yr). */
let proMonthly: Stripe.Price;
let enterpriseMonthly: Stripe.Price;
let enterpriseYearly: Stripe.Price;
/** 2026-01-15 00:00 UTC; its monthly period ends 2026-02-15, 31 days later. */
const START = Date.UTC(2026, 0, 15) / 1000;
const MONTH_END = Date.UTC(2026, 1, 15) / 1000;

function seatPrice(
  product: string,
  interval: "month" | "year",
  included: number,
  flat: number,
  extra: number,
): Promise<Stripe.Price> {
  return t.stripe.prices.create({
    product,
    currency: "usd",
    recurring: { interval },
    billing_scheme: "tiered",
    tiers_mode: "graduated",
    tiers: [
      { up_to: included, flat_amount: flat, unit_amount: 0 },
      { up_to: "inf", unit_amount: extra },
    ],
  });
}

beforeAll(async () => {
  t = await startTestEmulator();
  const pro = await t.stripe.products.create({ name: "Pro" });
  const enterprise = await t.stripe.products.create({ name: "Enterprise" });
  proMonthly = await seatPrice(pro.id, "month", 3, 2900, 900);
  enterpriseMonthly = await seatPrice(enterprise.id, "month", 25, 29_900, 600);
  enterpriseYearly = await seatPrice(enterprise.id, "year", 25, 299_000, 6000);
});
afterAll(() => t.close());

async function subscribe(price: Stripe.Price, quantity: number) {
  const { clock, customer } = await clockCustomer(t.stripe, START);
  const subscription = await t.stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id, quantity }],
  });
  const item = subscription.items.data[0];
  if (!item) throw new Error("no item");
  return { clock, customer, subscription, item };
}

async function invoices(subscription: string): Promise<Stripe.Invoice[]> {
  return (await t.stripe.invoices.list({ subscription, limit: 100 })).data;
}

async function advance(clock: string, to: number) {
  await t.stripe.testHelpers.testClocks.advance(clock, { frozen_time: to });
}

describe("a tiered price", () => {
  it("has no unit amount, and shows its tiers only when they are expanded", async () => {
    expect(proMonthly).toMatchObject({
      billing_scheme: "tiered",
      tiers_mode: "graduated",
      unit_amount: null,
      unit_amount_decimal: null,
    });
    expect(proMonthly.tiers).toBeUndefined();
    expect((await t.stripe.prices.retrieve(proMonthly.id)).tiers).toBeUndefined();

    const expanded = await t.stripe.prices.retrieve(proMonthly.id, { expand: ["tiers"] });
    expect(
      expanded.tiers?.map(({ flat_amount, unit_amount, up_to }) => [
        flat_amount,
        unit_amount,
        up_to,
      ]),
    ).toEqual([
      [2900, 0, 3],
      [null, 900, null],
    ]);
    const listed = await t.stripe.prices.list({
      product: String(proMonthly.product),
      expand: ["data.tiers"],
    });
    expect(listed.data.map((price) => price.tiers?.length)).toEqual([2]);

    const { subscription } = await subscribe(proMonthly, 1);
    const nested = await t.stripe.subscriptions.retrieve(subscription.id, {
      expand: ["items.data.price.tiers"],
    });
    expect(nested.items.data[0]?.price.tiers?.[1]?.unit_amount).toBe(900);
    expect(nested.items.data[0]?.plan).toMatchObject({ amount: null, billing_scheme: "tiered" });
  });

  it("refuses tiers that do not end with up_to=inf, and a unit_amount beside tiers", async () => {
    const product = String(proMonthly.product);
    const unbounded = await stripeError(
      t.stripe.prices.create({
        product,
        currency: "usd",
        recurring: { interval: "month" },
        billing_scheme: "tiered",
        tiers_mode: "graduated",
        tiers: [{ up_to: 3, flat_amount: 2900 }],
      }),
    );
    expect(unbounded).toMatchObject({ statusCode: 400, param: "tiers[0][up_to]" });
    const both = await stripeError(
      t.stripe.prices.create({
        product,
        currency: "usd",
        unit_amount: 2900,
        recurring: { interval: "month" },
        billing_scheme: "tiered",
        tiers_mode: "graduated",
        tiers: [{ up_to: "inf", unit_amount: 900 }],
      }),
    );
    expect(both.param).toBe("unit_amount");
  });
});

describe("billing a tiered price by quantity", () => {
  it("bills the flat tier and each further seat: 4 seats of Pro are 2900 + 900", async () => {
    const { subscription } = await subscribe(proMonthly, 4);
    expect(subscription.items.data[0]?.quantity).toBe(4);
    const [first] = await invoices(subscription.id);
    expect(first).toMatchObject({ amount_paid: 3800, status: "paid" });
    expect(first?.lines.data).toHaveLength(1);
    expect(first?.lines.data[0]).toMatchObject({ quantity: 4, amount: 3800 });
    expect(first?.lines.data[0]?.pricing?.unit_amount_decimal).toBeNull();
  });

  it("bills only the flat amount up to the included seats", async () => {
    for (const quantity of [1, 3]) {
      const { subscription } = await subscribe(proMonthly, quantity);
      expect((await invoices(subscription.id))[0]?.amount_paid).toBe(2900);
    }
  });

  it("bills 27 Enterprise seats a year as 299000 + 2 × 6000", async () => {
    const { subscription } = await subscribe(enterpriseYearly, 27);
    expect((await invoices(subscription.id))[0]?.amount_paid).toBe(299_000 + 2 * 6000);
  });

  it("charges the remaining part of the period for a seat added halfway, on the next invoice", async () => {
    const { clock, subscription, item } = await subscribe(proMonthly, 4);
    const half = START + (MONTH_END - START) / 2;
    await advance(clock.id, half);
    await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, quantity: 5 }],
      proration_date: half,
    });
    expect(await invoices(subscription.id)).toHaveLength(1);

    await advance(clock.id, MONTH_END + 60);
    const [renewal] = await invoices(subscription.id);
    const left = (MONTH_END - half) / (MONTH_END - START);
    const credit = -Math.round((2900 + 900) * left);
    const charge = Math.round((2900 + 2 * 900) * left);
    expect([credit, charge]).toEqual([-1900, 2350]);
    expect(renewal?.lines.data.map((line) => [line.quantity, line.amount])).toEqual([
      [4, credit],
      [5, charge],
      [5, 2900 + 2 * 900],
    ]);
    expect(renewal?.lines.data.map((line) => line.description?.split(" after ")[0])).toEqual([
      "Unused time on 4 × Pro",
      "Remaining time on 5 × Pro",
      expect.stringMatching(/^5 × Pro/),
    ]);
    expect(renewal?.amount_paid).toBe(credit + charge + 4700);
  });

  it("previews the proration of an added seat, and charges exactly that with always_invoice", async () => {
    const { clock, customer, subscription, item } = await subscribe(proMonthly, 4);
    const at = START + 10 * 86_400;
    await advance(clock.id, at);
    const change = {
      items: [{ id: item.id, quantity: 5 }],
      proration_behavior: "always_invoice" as const,
      proration_date: at,
    };
    const preview = await t.stripe.invoices.createPreview({
      customer: customer.id,
      subscription: subscription.id,
      subscription_details: change,
    });
    // 21 of the period's 31 days are left.
    const credit = -Math.round((3800 * 21) / 31);
    const charge = Math.round((4700 * 21) / 31);
    expect(preview.lines.data.map((line) => line.amount)).toEqual([credit, charge]);
    expect(preview.amount_due).toBe(credit + charge);
    expect(await invoices(subscription.id)).toHaveLength(1);

    const updated = await t.stripe.subscriptions.update(subscription.id, change);
    expect(updated.items.data[0]?.quantity).toBe(5);
    const invoice = await t.stripe.invoices.retrieve(String(updated.latest_invoice));
    expect(invoice).toMatchObject({ status: "paid", amount_paid: credit + charge });
  });

  it("changes nothing now for a seat removed without prorations; the renewal bills the new count", async () => {
    const { clock, subscription, item } = await subscribe(proMonthly, 5);
    await advance(clock.id, START + 10 * 86_400);
    const updated = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, quantity: 4 }],
      proration_behavior: "none",
    });
    expect(updated.items.data[0]?.quantity).toBe(4);
    expect(await invoices(subscription.id)).toHaveLength(1);
    const upcoming = await t.stripe.invoices.createPreview({ subscription: subscription.id });
    expect(upcoming.lines.data.map((line) => line.amount)).toEqual([3800]);

    await advance(clock.id, MONTH_END + 60);
    const [renewal] = await invoices(subscription.id);
    expect(renewal?.lines.data.map((line) => [line.quantity, line.amount])).toEqual([[4, 3800]]);
    expect(renewal?.amount_paid).toBe(3800);
  });

  it("keeps the quantity when the price changes, prorating both tiered totals", async () => {
    const { clock, subscription, item } = await subscribe(proMonthly, 4);
    const at = START + 10 * 86_400;
    await advance(clock.id, at);
    const updated = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: enterpriseMonthly.id }],
      proration_behavior: "always_invoice",
      proration_date: at,
    });
    expect(updated.items.data[0]?.quantity).toBe(4);
    const invoice = await t.stripe.invoices.retrieve(String(updated.latest_invoice));
    // Four seats: 3800 on Pro, and within Enterprise's 25 included seats, its flat 29900.
    expect(invoice.lines.data.map((line) => line.amount)).toEqual([
      -Math.round((3800 * 21) / 31),
      Math.round((29_900 * 21) / 31),
    ]);
  });

  it("charges each unit at the tier the whole quantity falls in for a volume price", async () => {
    const price = await t.stripe.prices.create({
      product: String(proMonthly.product),
      currency: "usd",
      recurring: { interval: "month" },
      billing_scheme: "tiered",
      tiers_mode: "volume",
      tiers: [
        { up_to: 5, unit_amount: 1000 },
        { up_to: "inf", unit_amount_decimal: Stripe.Decimal.from("800.5"), flat_amount: 100 },
      ],
    });
    const { subscription } = await subscribe(price, 6);
    // 6 × 800.5 + 100 = 4903.
    expect((await invoices(subscription.id))[0]?.amount_paid).toBe(4903);
  });
});

describe("checkout with a quantity", () => {
  it("totals 27 Enterprise seats a year and subscribes with that quantity", async () => {
    const { customer } = await clockCustomer(t.stripe, START);
    const session = await t.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: enterpriseYearly.id, quantity: 27 }],
      success_url: "http://localhost:3000/done?session_id={CHECKOUT_SESSION_ID}",
    });
    const total = 299_000 + 2 * 6000;
    expect(session.amount_total).toBe(total);
    const items = await t.stripe.checkout.sessions.listLineItems(session.id, {
      expand: ["data.price.tiers"],
    });
    expect(items.data[0]).toMatchObject({ quantity: 27, amount_total: total });
    expect(items.data[0]?.price?.tiers).toHaveLength(2);

    const page = await (await fetch(String(session.url))).text();
    expect(page).toContain("$3,110.00");
    expect(page).toContain("Qty 27");

    const paid = await t.control("POST", `/checkout/${session.id}/pay`, {
      card: "4242424242424242",
    });
    expect(paid.status).toBe(200);
    const done = await t.stripe.checkout.sessions.retrieve(session.id, {
      expand: ["subscription.latest_invoice"],
    });
    const subscription = done.subscription as Stripe.Subscription;
    expect(subscription.items.data[0]?.quantity).toBe(27);
    expect((subscription.latest_invoice as Stripe.Invoice).amount_paid).toBe(total);
  });

  it("refuses a quantity below 1", async () => {
    const customer = await t.stripe.customers.create({ email: "zero@example.com" });
    const error = await stripeError(
      t.stripe.checkout.sessions.create({
        mode: "subscription",
        customer: customer.id,
        line_items: [{ price: proMonthly.id, quantity: 0 }],
        success_url: "http://localhost:3000/done",
      }),
    );
    expect(error.param).toBe("line_items[0][quantity]");
  });
});

describe("restarting the billing cycle", () => {
  it("invoices the current quantity at once, with the anchor given as a string or an object", async () => {
    for (const anchor of ["now", { type: "now" }] as const) {
      const { subscription, item } = await subscribe(proMonthly, 5);
      await t.stripe.subscriptions.update(subscription.id, {
        items: [{ id: item.id, quantity: 4 }],
        proration_behavior: "none",
      });
      await t.stripe.subscriptions.update(subscription.id, {
        // stripe-node's types name the object form; older API versions take the string.
        billing_cycle_anchor: anchor as Stripe.SubscriptionUpdateParams["billing_cycle_anchor"],
        proration_behavior: "none",
      });
      const [renewal, first] = await invoices(subscription.id);
      // $29 + 2 × $9 first; then $29 + 1 × $9 for a new period starting now.
      expect(first?.total).toBe(4700);
      expect(renewal?.total).toBe(3800);
      expect(renewal?.billing_reason).toBe("subscription_update");
    }
  });
});
