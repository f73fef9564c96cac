import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Catalog, createCatalog, startTestEmulator, type TestEmulator } from "./testing";

let t: TestEmulator;
let catalog: Catalog;
beforeAll(async () => {
  t = await startTestEmulator();
  catalog = await createCatalog(t.stripe);
});
afterAll(() => t.close());

async function session(params: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  const customer = await t.stripe.customers.create({ email: `buyer-${Date.now()}@example.com` });
  const created = await t.stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [{ price: catalog.monthly.id, quantity: 1 }],
    success_url: "http://localhost:3000/account/billing?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://localhost:3000/pricing",
    client_reference_id: "user_1",
    metadata: { userId: "user_1" },
    ...params,
  });
  return { customer, created };
}

function pay(id: string, card: string) {
  return t.control<{ error?: { code: string; decline_code?: string; message: string } }>(
    "POST",
    `/checkout/${id}/pay`,
    { card },
  );
}

describe("checkout sessions", () => {
  it("starts a trialing subscription when paid with 4242, then completes the session", async () => {
    const { customer, created } = await session({
      subscription_data: { trial_period_days: 14, metadata: { plan: "pro" } },
    });
    expect(created).toMatchObject({
      status: "open",
      payment_status: "unpaid",
      client_reference_id: "user_1",
    });
    expect(created.url).toBe(`${t.emu.url}/c/pay/${created.id}`);
    expect((await pay(created.id, "4242 4242 4242 4242")).status).toBe(200);
    const done = await t.stripe.checkout.sessions.retrieve(created.id, {
      expand: ["subscription", "line_items"],
    });
    expect(done).toMatchObject({
      status: "complete",
      payment_status: "no_payment_required",
      customer: customer.id,
    });
    const subscription = done.subscription as Stripe.Subscription;
    expect(subscription).toMatchObject({ status: "trialing", metadata: { plan: "pro" } });
    expect(subscription.default_payment_method).toMatch(/^pm_/);
    expect(done.line_items?.data[0]).toMatchObject({ amount_total: 2900, quantity: 1 });
    const completed = (await t.stripe.events.list({ type: "checkout.session.completed", limit: 1 }))
      .data[0];
    expect((completed?.data.object as Stripe.Checkout.Session | undefined)?.id).toBe(created.id);
  });

  it("charges at once without a trial", async () => {
    const { created } = await session();
    await pay(created.id, "4242424242424242");
    const done = await t.stripe.checkout.sessions.retrieve(created.id, {
      expand: ["subscription.latest_invoice"],
    });
    expect(done.payment_status).toBe("paid");
    const subscription = done.subscription as Stripe.Subscription;
    expect(subscription.status).toBe("active");
    expect((subscription.latest_invoice as Stripe.Invoice).amount_paid).toBe(2900);
  });

  it("declines 9995 with insufficient_funds and leaves the session open", async () => {
    const { customer, created } = await session({ subscription_data: { trial_period_days: 14 } });
    const answer = await pay(created.id, "4000000000009995");
    expect(answer.status).toBe(402);
    expect(answer.body.error).toMatchObject({
      code: "card_declined",
      decline_code: "insufficient_funds",
    });
    expect((await t.stripe.checkout.sessions.retrieve(created.id)).status).toBe("open");
    expect(
      (await t.stripe.subscriptions.list({ customer: customer.id, status: "all" })).data,
    ).toEqual([]);
    expect((await t.stripe.paymentMethods.list({ customer: customer.id })).data).toEqual([]);
  });

  it("declines 0341 when the first invoice is charged now, accepts it for a trial", async () => {
    const charged = await session();
    expect((await pay(charged.created.id, "4000000000000341")).body.error?.decline_code).toBe(
      "generic_decline",
    );
    const trial = await session({ subscription_data: { trial_period_days: 7 } });
    expect((await pay(trial.created.id, "4000000000000341")).status).toBe(200);
  });

  it("refuses a card number that fails the Luhn check", async () => {
    const { created } = await session();
    const answer = await pay(created.id, "4242424242424241");
    expect(answer.status).toBe(402);
    expect(answer.body.error?.code).toBe("incorrect_number");
  });

  it("cannot be paid twice, nor after it expired", async () => {
    const { created } = await session();
    await pay(created.id, "4242424242424242");
    expect((await pay(created.id, "4242424242424242")).status).toBe(400);
    const other = await session();
    const expired = await t.stripe.checkout.sessions.expire(other.created.id);
    expect(expired).toMatchObject({ status: "expired", url: null });
    expect((await pay(other.created.id, "4242424242424242")).status).toBe(400);
    const event = (await t.stripe.events.list({ type: "checkout.session.expired", limit: 1 }))
      .data[0];
    expect((event?.data.object as Stripe.Checkout.Session | undefined)?.id).toBe(other.created.id);
  });

  it("creates the customer from the email when the session named none", async () => {
    const created = await t.stripe.checkout.sessions.create({
      mode: "subscription",
      customer_email: "new@example.com",
      line_items: [{ price: catalog.monthly.id, quantity: 1 }],
      success_url: "http://localhost:3000/done",
    });
    await pay(created.id, "4242424242424242");
    const done = await t.stripe.checkout.sessions.retrieve(created.id, { expand: ["customer"] });
    expect((done.customer as Stripe.Customer).email).toBe("new@example.com");
  });

  it("rejects what Stripe rejects", async () => {
    const bad = (
      params: Partial<Stripe.Checkout.SessionCreateParams>,
    ): Promise<Stripe.errors.StripeError> =>
      t.stripe.checkout.sessions
        .create({
          mode: "subscription",
          line_items: [{ price: catalog.monthly.id, quantity: 1 }],
          success_url: "http://localhost:3000/done",
          ...params,
        })
        .then(
          () => {
            throw new Error("accepted");
          },
          (caught: unknown) => caught as Stripe.errors.StripeError,
        );
    expect((await bad({ success_url: "javascript:alert(1)" }))?.param).toBe("success_url");
    expect((await bad({ line_items: [{ price: "price_nope", quantity: 1 }] }))?.statusCode).toBe(
      404,
    );
    expect((await bad({ subscription_data: { trial_period_days: 0 } }))?.param).toBe(
      "subscription_data[trial_period_days]",
    );
    expect((await bad({ mode: "payment" }))?.param).toBe("mode");
  });
});

describe("billing portal sessions", () => {
  it("needs a saved configuration and returns a hosted URL", async () => {
    const customer = await t.stripe.customers.create({ email: "portal@example.com" });
    const refused = (await t.stripe.billingPortal.sessions
      .create({ customer: customer.id, return_url: "http://localhost:3000/account" })
      .catch((caught: unknown) => caught)) as Stripe.errors.StripeError;
    expect(refused.statusCode).toBe(400);
    const configuration = await t.stripe.billingPortal.configurations.create({
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ["price"],
          proration_behavior: "create_prorations",
          products: [
            { product: catalog.product.id, prices: [catalog.monthly.id, catalog.yearly.id] },
          ],
        },
        subscription_cancel: { enabled: true, mode: "at_period_end" },
      },
      default_return_url: "http://localhost:3000/account/billing",
    });
    expect(configuration.is_default).toBe(true);
    expect(configuration.features.subscription_update.products?.[0]?.prices).toEqual([
      catalog.monthly.id,
      catalog.yearly.id,
    ]);
    const portal = await t.stripe.billingPortal.sessions.create({ customer: customer.id });
    expect(portal.return_url).toBe("http://localhost:3000/account/billing");
    expect(portal.url).toBe(`${t.emu.url}/p/session/${portal.id}`);
  });
});
