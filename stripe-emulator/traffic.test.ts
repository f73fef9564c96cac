import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clientFor, startTestEmulator, stripeError, type TestEmulator } from "./testing";
import { Traffic, type TrafficReport } from "./traffic";

describe("the read-rate cap", () => {
  it("refuses a read when the key had the cap's reads served in the last second, and counts the refusal", () => {
    const traffic = new Traffic();
    traffic.setReadsPerSecond(3);
    const at = (ms: number, key = "sk_a") => traffic.admit(key, "GET", "/v1/customers", ms);
    expect([at(10_000), at(10_100), at(10_200)]).toEqual([true, true, true]);
    expect(at(10_900)).toBe(false);
    // Another key has a window of its own.
    expect(at(10_900, "sk_b")).toBe(true);
    // The first read leaves the window after 1000 ms; the refused one never entered it.
    expect(at(11_001)).toBe(true);
    expect(at(11_050)).toBe(false);
    expect(traffic.report()).toMatchObject({
      readsPerSecond: 3,
      reads: 5,
      writes: 0,
      limited: 2,
      seconds: [
        { second: 10, reads: 4, writes: 0, limited: 1 },
        { second: 11, reads: 1, writes: 0, limited: 1 },
      ],
    });
  });

  it("never refuses a write", () => {
    const traffic = new Traffic();
    traffic.setReadsPerSecond(1);
    const writes = Array.from({ length: 5 }, () =>
      traffic.admit("sk_a", "POST", "/v1/customers", 1_000),
    );
    expect(writes).toEqual([true, true, true, true, true]);
    expect(traffic.admit("sk_a", "GET", "/v1/customers", 1_000)).toBe(true);
  });
});

describe("traffic through the control API", () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.control("POST", "/reset");
  });

  const report = async () => (await t.control<TrafficReport>("GET", "/requests")).body;

  it("counts the API's requests per second and per call; a refused key counts nothing", async () => {
    const customer = await t.stripe.customers.create({ email: "count@example.com" });
    await t.stripe.customers.retrieve(customer.id);
    await t.stripe.customers.retrieve(customer.id);
    await t.stripe.customers.list({ limit: 1 });
    await clientFor(t.emu, "sk_test_not_the_key_1234")
      .customers.list()
      .catch(() => undefined);

    const counted = await report();
    expect(counted).toMatchObject({ readsPerSecond: null, reads: 3, writes: 1, limited: 0 });
    expect(counted.calls).toEqual({
      "POST /v1/customers": 1,
      [`GET /v1/customers/${customer.id}`]: 2,
      "GET /v1/customers": 1,
    });
    const perSecond = counted.seconds.reduce((sum, second) => sum + second.reads, 0);
    expect(perSecond).toBe(3);

    expect((await t.control<TrafficReport>("POST", "/requests/clear")).body).toMatchObject({
      reads: 0,
      writes: 0,
      seconds: [],
      calls: {},
    });
  });

  it("answers reads past the cap with Stripe's 429 while writes go through", async () => {
    expect((await t.control("POST", "/rate-limit", { readsPerSecond: 2 })).status).toBe(200);
    await t.stripe.customers.list({ limit: 1 });
    await t.stripe.customers.list({ limit: 1 });
    const refused = await stripeError(t.stripe.customers.list({ limit: 1 }));
    expect(refused).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(refused).toMatchObject({ statusCode: 429, code: "rate_limit" });
    await expect(t.stripe.customers.create({ email: "w@example.com" })).resolves.toMatchObject({
      object: "customer",
    });
    expect(await report()).toMatchObject({ readsPerSecond: 2, reads: 2, writes: 1, limited: 1 });

    // Reset lifts the cap.
    await t.control("POST", "/reset");
    expect((await t.control("GET", "/rate-limit")).body).toEqual({ readsPerSecond: null });
  });

  it("refuses a cap that is not a whole number from 1, or null", async () => {
    for (const readsPerSecond of [0, 2.5, "5", undefined]) {
      expect((await t.control("POST", "/rate-limit", { readsPerSecond })).status).toBe(400);
    }
    expect((await t.control("POST", "/rate-limit", { readsPerSecond: null })).body).toEqual({
      readsPerSecond: null,
    });
  });
});
