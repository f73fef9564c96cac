import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseForm } from "./form";
import {
  clientFor,
  createCatalog,
  startTestEmulator,
  stripeError,
  type TestEmulator,
} from "./testing";

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.close());

describe("form decoding", () => {
  it("builds nested objects and indexed arrays from bracket notation", () => {
    expect(
      parseForm(
        "items[0][price]=p1&items[1][price]=p2&items[1][quantity]=3&metadata[a]=b&expand[]=x&expand[]=y",
      ),
    ).toEqual({
      items: [{ price: "p1" }, { price: "p2", quantity: "3" }],
      metadata: { a: "b" },
      expand: ["x", "y"],
    });
  });

  it("keeps an empty value as the empty string, which Stripe reads as unset", () => {
    expect(parseForm("cancel_at=&description=")).toEqual({ cancel_at: "", description: "" });
  });

  it("ignores prototype keys", () => {
    const parsed = parseForm("__proto__[x]=1&a[constructor]=2&b=3");
    expect(parsed).toEqual({ b: "3" });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("authentication", () => {
  it("answers an unknown key with Stripe's 401", async () => {
    const wrong = clientFor(t.emu, "sk_test_not_the_key_1234");
    const error = await wrong.customers.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(401);
    expect((error as Error).message).toContain("Invalid API Key provided: sk_test_");
    expect((error as Error).message).not.toContain("not_the_key");
  });

  it("answers a request without a key with 401", async () => {
    const response = await fetch(`${t.emu.url}/v1/customers`);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/did not provide an API key/);
  });
});

describe("errors", () => {
  it("names the missing object and parameter with a 404", async () => {
    const error = (await t.stripe.customers
      .retrieve("cus_missing")
      .catch((caught: unknown) => caught)) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe("resource_missing");
    expect(error.param).toBe("id");
    expect(error.message).toBe("No such customer: 'cus_missing'");
  });

  it("answers a missing required parameter with a 400 naming it", async () => {
    const error = (await t.stripe.prices
      .create({ currency: "usd", unit_amount: 100 } as Stripe.PriceCreateParams)
      .catch((caught: unknown) => caught)) as Stripe.errors.StripeError;
    expect(error.statusCode).toBe(400);
    expect(error.param).toBe("product");
  });

  it("answers injected faults with 429, 409 and 500 as Stripe's errors", async () => {
    await t.control("POST", "/faults", { status: 429, count: 1 });
    const limited = await t.stripe.customers.list().catch((caught: unknown) => caught);
    expect(limited).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    await t.control("POST", "/faults", { status: 409 });
    const conflict = (await t.stripe.customers
      .list()
      .catch((caught: unknown) => caught)) as Stripe.errors.StripeError;
    expect(conflict.statusCode).toBe(409);
    await t.control("POST", "/faults", { status: 500 });
    const broken = await t.stripe.customers.list().catch((caught: unknown) => caught);
    expect(broken).toBeInstanceOf(Stripe.errors.StripeAPIError);
    await expect(t.stripe.customers.list()).resolves.toMatchObject({ object: "list" });
  });

  it("holds the answer back with a hang fault: a client with a shorter timeout gives up, the request is served", async () => {
    const impatient = clientFor(t.emu, t.emu.secretKey, { timeout: 100 });
    await t.control("POST", "/faults", { hangMs: 400, count: 1 });
    const timedOut = await impatient.customers
      .create({ email: "slow@example.com" })
      .catch((caught: unknown) => caught);
    expect(timedOut).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    // Served all the same, as at Stripe: the client cannot tell whether it happened.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await t.stripe.customers.list({ email: "slow@example.com" })).data).toHaveLength(1);
    await expect(impatient.customers.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
  });

  it("refuses a fault that is neither a status nor a hang", async () => {
    expect((await t.control("POST", "/faults", { status: 404 })).status).toBe(400);
    expect((await t.control("POST", "/faults", { hangMs: 0 })).status).toBe(400);
    expect((await t.control("POST", "/faults", { hangMs: 10, count: 0 })).status).toBe(400);
    await expect(t.stripe.customers.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
  });

  it("changes nothing when a request fails half-way", async () => {
    const { monthly, enterpriseMonthly } = await createCatalog(t.stripe);
    const customer = await t.stripe.customers.create({ email: "half@example.com" });
    const pm = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      default_payment_method: pm.id,
    });
    const before = (await t.stripe.events.list({ limit: 1 })).data[0]?.id;
    // The item is swapped first; the cancel_at in the past fails after that.
    const error = (await t.stripe.subscriptions
      .update(subscription.id, {
        items: [{ id: subscription.items.data[0]?.id, price: enterpriseMonthly.id }],
        cancel_at: 1,
      })
      .catch((caught: unknown) => caught)) as Stripe.errors.StripeError;
    expect(error.statusCode).toBe(400);
    expect(error.param).toBe("cancel_at");
    const after = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(after.items.data[0]?.price.id).toBe(monthly.id);
    expect((await t.stripe.events.list({ limit: 1 })).data[0]?.id).toBe(before);
  });
});

describe("lists", () => {
  it("pages newest first with limit, starting_after, ending_before and has_more", async () => {
    const email = `page-${Date.now()}@example.com`;
    const created: string[] = [];
    for (let i = 0; i < 25; i++) created.push((await t.stripe.customers.create({ email })).id);
    const first = await t.stripe.customers.list({ email, limit: 10 });
    expect(first.data.map((customer) => customer.id)).toEqual(created.slice(-10).reverse());
    expect(first.has_more).toBe(true);
    const second = await t.stripe.customers.list({
      email,
      limit: 10,
      starting_after: first.data.at(-1)?.id,
    });
    expect(second.data.map((customer) => customer.id)).toEqual(created.slice(5, 15).reverse());
    const back = await t.stripe.customers.list({
      email,
      limit: 10,
      ending_before: second.data[0]?.id,
    });
    expect(back.data.map((customer) => customer.id)).toEqual(
      first.data.map((customer) => customer.id),
    );
    const all: string[] = [];
    for await (const customer of t.stripe.customers.list({ email, limit: 7 }))
      all.push(customer.id);
    expect(all).toEqual([...created].reverse());
  });

  it("refuses a limit above 100", async () => {
    const error = (await t.stripe.customers
      .list({ limit: 101 })
      .catch((caught: unknown) => caught)) as Stripe.errors.StripeError;
    expect(error.statusCode).toBe(400);
    expect(error.param).toBe("limit");
  });

  it("finds prices by lookup key and expands their product", async () => {
    const { monthly, product } = await createCatalog(t.stripe);
    const found = await t.stripe.prices.list({
      lookup_keys: [monthly.lookup_key ?? ""],
      expand: ["data.product"],
    });
    expect(found.data).toHaveLength(1);
    const [price] = found.data;
    expect(price?.id).toBe(monthly.id);
    expect((price?.product as Stripe.Product | undefined)?.name).toBe(product.name);
  });

  it("moves a lookup key only with transfer_lookup_key", async () => {
    const { monthly, product } = await createCatalog(t.stripe);
    const key = monthly.lookup_key ?? "";
    const refused = (await t.stripe.prices
      .create({
        product: product.id,
        currency: "usd",
        unit_amount: 3900,
        recurring: { interval: "month" },
        lookup_key: key,
      })
      .catch((caught: unknown) => caught)) as Stripe.errors.StripeError;
    expect(refused.statusCode).toBe(400);
    expect(refused.param).toBe("lookup_key");
    const moved = await t.stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 3900,
      recurring: { interval: "month" },
      lookup_key: key,
      transfer_lookup_key: true,
    });
    expect((await t.stripe.prices.retrieve(monthly.id)).lookup_key).toBeNull();
    expect(
      (await t.stripe.prices.list({ lookup_keys: [key] })).data.map((price) => price.id),
    ).toEqual([moved.id]);
  });
});

describe("validation", () => {
  it("refuses an interval_count outside Stripe's range", async () => {
    const { product } = await createCatalog(t.stripe);
    for (const count of [0, 37]) {
      const error = await stripeError(
        t.stripe.prices.create({
          product: product.id,
          currency: "usd",
          unit_amount: 100,
          recurring: { interval: "month", interval_count: count },
        }),
      );
      expect(error.param).toBe("recurring[interval_count]");
    }
  });

  it("answers a deleted customer with deleted: true", async () => {
    const customer = await t.stripe.customers.create({ email: "bye@example.com" });
    await t.stripe.customers.del(customer.id);
    expect(await t.stripe.customers.retrieve(customer.id)).toMatchObject({
      id: customer.id,
      deleted: true,
    });
    expect(
      (await stripeError(t.stripe.customers.update(customer.id, { name: "x" }))).statusCode,
    ).toBe(404);
  });
});

describe("idempotency", () => {
  it("replays the first answer for the same key and parameters", async () => {
    const key = `idem-${Date.now()}`;
    const first = await t.stripe.customers.create(
      { email: "same@example.com" },
      { idempotencyKey: key },
    );
    const again = await t.stripe.customers.create(
      { email: "same@example.com" },
      { idempotencyKey: key },
    );
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect((await t.stripe.customers.list({ email: "same@example.com" })).data).toHaveLength(1);
  });

  it("refuses the same key with other parameters", async () => {
    const key = `idem-other-${Date.now()}`;
    await t.stripe.customers.create({ email: "one@example.com" }, { idempotencyKey: key });
    const error = await t.stripe.customers
      .create({ email: "two@example.com" }, { idempotencyKey: key })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(400);
  });

  it("replays a card error, and keeps neither a validation error nor a 5xx", async () => {
    const { monthly } = await createCatalog(t.stripe);
    const customer = await t.stripe.customers.create({ email: "declined@example.com" });
    const declinedKey = `idem-card-${Date.now()}`;
    const attach = () =>
      stripeError(
        t.stripe.paymentMethods.attach(
          "pm_card_chargeDeclinedInsufficientFunds",
          { customer: customer.id },
          { idempotencyKey: declinedKey },
        ),
      );
    expect((await attach()).statusCode).toBe(402);
    const replayed = await attach();
    expect(replayed.statusCode).toBe(402);
    expect(replayed.headers?.["idempotent-replayed"]).toBe("true");

    const fixedKey = `idem-fixed-${Date.now()}`;
    const invalid = (await t.stripe.subscriptions
      .create(
        { customer: customer.id, items: [{ price: "price_missing" }] },
        { idempotencyKey: fixedKey },
      )
      .catch((caught: unknown) => caught)) as Stripe.errors.StripeError;
    expect(invalid.statusCode).toBe(404);
    const pm = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const fixed = await t.stripe.subscriptions.create(
      { customer: customer.id, items: [{ price: monthly.id }], default_payment_method: pm.id },
      { idempotencyKey: fixedKey },
    );
    expect(fixed.status).toBe("active");

    const retryKey = `idem-5xx-${Date.now()}`;
    await t.control("POST", "/faults", { status: 500 });
    await expect(
      t.stripe.customers.create({ email: "retry@example.com" }, { idempotencyKey: retryKey }),
    ).rejects.toThrow();
    const retried = await t.stripe.customers.create(
      { email: "retry@example.com" },
      { idempotencyKey: retryKey },
    );
    expect(retried.email).toBe("retry@example.com");
  });
});
