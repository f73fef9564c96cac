import { describe, expect, it } from "vitest";
import { EMULATOR_SECRET_KEY } from "../../env";
import { createStripeClient, STRIPE_API_VERSION, stripeApiBase } from "./client";

const REAL_KEY = "sk_test_51AbCdEfGhIjKlMnOp";

const config = (overrides: Partial<Parameters<typeof stripeApiBase>[0]> = {}) => ({
  STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY,
  STRIPE_API_BASE: undefined,
  STRIPE_EMULATOR_PORT: 12_111,
  ...overrides,
});

describe("stripeApiBase", () => {
  it("uses the bundled emulator on its port when the key is the emulator's", () => {
    expect(stripeApiBase(config())).toBe("http://127.0.0.1:12111");
    expect(stripeApiBase(config({ STRIPE_EMULATOR_PORT: 4242 }))).toBe("http://127.0.0.1:4242");
  });

  it("uses api.stripe.com with a real key", () => {
    expect(stripeApiBase(config({ STRIPE_SECRET_KEY: REAL_KEY }))).toBe("https://api.stripe.com");
  });

  it("prefers STRIPE_API_BASE over both", () => {
    const base = "http://stripe.internal:8080";
    expect(stripeApiBase(config({ STRIPE_API_BASE: base }))).toBe(base);
    expect(stripeApiBase(config({ STRIPE_SECRET_KEY: REAL_KEY, STRIPE_API_BASE: base }))).toBe(
      base,
    );
  });
});

describe("createStripeClient", () => {
  it("points the client at the emulator over plain http", () => {
    const stripe = createStripeClient(config({ STRIPE_EMULATOR_PORT: 4242 }));
    expect(stripe.getApiField("host")).toBe("127.0.0.1");
    expect(String(stripe.getApiField("port"))).toBe("4242");
    expect(stripe.getApiField("protocol")).toBe("http");
  });

  it("parses STRIPE_API_BASE into host, port and protocol", () => {
    const stripe = createStripeClient(config({ STRIPE_API_BASE: "https://stripe.example.com" }));
    expect(stripe.getApiField("host")).toBe("stripe.example.com");
    expect(String(stripe.getApiField("port"))).toBe("443");
    expect(stripe.getApiField("protocol")).toBe("https");
  });

  it("leaves stripe-node's defaults for api.stripe.com, with the pinned version and retries", () => {
    const stripe = createStripeClient(config({ STRIPE_SECRET_KEY: REAL_KEY }));
    expect(stripe.getApiField("host")).toBe("api.stripe.com");
    expect(stripe.getApiField("protocol")).toBe("https");
    expect(stripe.getApiField("version")).toBe(STRIPE_API_VERSION);
    expect(stripe.getApiField("timeout")).toBe(20_000);
    expect(stripe.getMaxNetworkRetries()).toBe(2);
  });

  it("refuses an API base with a path, which stripe-node would drop", () => {
    expect(() =>
      createStripeClient(config({ STRIPE_API_BASE: "http://localhost:8080/stripe" })),
    ).toThrow(/STRIPE_API_BASE must be an origin/);
  });
});
