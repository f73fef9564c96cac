import { describe, expect, it } from "vitest";
import { EMULATOR_SECRET_KEY, formatEnvErrors, parseEnv, usesStripeEmulator } from "./env";

describe("parseEnv", () => {
  it("needs no variable at all and applies Tollgate's documented defaults", () => {
    const result = parseEnv({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.env.FRONTEND_URL).toBe("http://localhost:3000");
    expect(result.env.DEFAULT_TRIAL_DAYS).toBe(14);
    expect(result.env.BILLING_GRACE_PERIOD_DAYS).toBe(3);
    expect(result.env.USAGE_RECORDS_PER_MINUTE).toBe(10_000);
    expect(result.env.METER_EVENT_MAX_ATTEMPTS).toBe(8);
    // Below test mode's 25 reads a second, so the default never meets Stripe's own limit.
    expect(result.env.STRIPE_READS_PER_SECOND).toBe(20);
    expect(result.env.DATABASE_URL).toBeUndefined();
    expect(result.env.PGLITE_DIR).toBe(".data/pglite");
    expect(result.env.ADMIN_EMAILS).toEqual([]);
    expect(usesStripeEmulator(result.env)).toBe(true);
  });

  it("treats empty strings as unset", () => {
    const result = parseEnv({ FRONTEND_URL: "", DEFAULT_TRIAL_DAYS: "  ", DATABASE_URL: "" });
    expect(result.ok && result.env.FRONTEND_URL).toBe("http://localhost:3000");
    expect(result.ok && result.env.DEFAULT_TRIAL_DAYS).toBe(14);
  });

  it("reads numbers, lists and URLs from strings", () => {
    const result = parseEnv({
      FRONTEND_URL: "https://billing.example.com/",
      DEFAULT_TRIAL_DAYS: "7",
      BILLING_GRACE_PERIOD_DAYS: "0",
      ADMIN_EMAILS: " Boss@Example.com, ops@example.com ,",
      DATABASE_URL: "postgresql://app:pw@db.internal:5432/tollgate",
      STRIPE_SECRET_KEY: "sk_live_abc123",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.env.FRONTEND_URL).toBe("https://billing.example.com");
    expect(result.env.DEFAULT_TRIAL_DAYS).toBe(7);
    expect(result.env.BILLING_GRACE_PERIOD_DAYS).toBe(0);
    expect(result.env.ADMIN_EMAILS).toEqual(["boss@example.com", "ops@example.com"]);
    expect(usesStripeEmulator(result.env)).toBe(false);
  });

  it("names FRONTEND_URL when it is not a URL", () => {
    const result = parseEnv({ FRONTEND_URL: "not-a-url" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.variable)).toEqual(["FRONTEND_URL"]);
    expect(formatEnvErrors(result.issues)).toMatch(/FRONTEND_URL: must be an http\(s\) URL/);
  });

  it("names every bad variable in one message, without echoing values", () => {
    const result = parseEnv({
      FRONTEND_URL: "ftp://files.example.com",
      DEFAULT_TRIAL_DAYS: "two weeks",
      BILLING_GRACE_PERIOD_DAYS: "-1",
      STRIPE_READS_PER_SECOND: "0",
      DATABASE_URL: "mysql://root@localhost/db",
      STRIPE_SECRET_KEY: "hunter2",
      ADMIN_EMAILS: "boss@example.com, nobody",
      AUTH_SECRET: "short",
      AUTH_GITHUB_ID: "only-the-id",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const message = formatEnvErrors(result.issues);
    for (const variable of [
      "FRONTEND_URL",
      "DEFAULT_TRIAL_DAYS",
      "BILLING_GRACE_PERIOD_DAYS",
      "STRIPE_READS_PER_SECOND",
      "DATABASE_URL",
      "STRIPE_SECRET_KEY",
      "ADMIN_EMAILS",
      "AUTH_SECRET",
      "AUTH_GITHUB_SECRET",
    ]) {
      expect(message).toContain(`${variable}:`);
    }
    expect(message).not.toContain("hunter2");
    expect(message).not.toContain("short");
  });

  it("refuses a usage records budget below one full batch and a meter attempt count of 0", () => {
    const result = parseEnv({ USAGE_RECORDS_PER_MINUTE: "999", METER_EVENT_MAX_ATTEMPTS: "0" });
    expect(!result.ok && result.issues.map((issue) => issue.variable)).toEqual([
      "USAGE_RECORDS_PER_MINUTE",
      "METER_EVENT_MAX_ATTEMPTS",
    ]);
  });

  it("recognises the emulator's key as the emulator", () => {
    const result = parseEnv({ STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY });
    expect(result.ok && usesStripeEmulator(result.env)).toBe(true);
  });
});

/** A production configuration with nothing unsafe in it. */
const SAFE_PRODUCTION = {
  NODE_ENV: "production",
  FRONTEND_URL: "https://billing.example.com",
  AUTH_SECRET: "s".repeat(32),
  STRIPE_SECRET_KEY: "sk_live_abc123",
  STRIPE_PUBLISHABLE_KEY: "pk_live_abc123",
  STRIPE_WEBHOOK_SECRET: "whsec_abc123",
};

function refusedVariables(source: Record<string, string | undefined>): string[] {
  const result = parseEnv(source, { server: true });
  return result.ok ? [] : result.issues.map((issue) => issue.variable);
}

describe("parseEnv for a starting server", () => {
  it("refuses a production server with the defaults, naming every unsafe setting", () => {
    const result = parseEnv({ NODE_ENV: "production" }, { server: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.variable)).toEqual([
      "FRONTEND_URL",
      "AUTH_SECRET",
      "STRIPE_WEBHOOK_SECRET",
      "STRIPE_SECRET_KEY",
      "STRIPE_PUBLISHABLE_KEY",
    ]);
    const message = formatEnvErrors(result.issues);
    expect(message).toMatch(/AUTH_SECRET: is required in production/);
    expect(message).toMatch(/STRIPE_WEBHOOK_SECRET: is required in production/);
    expect(message).toMatch(/STRIPE_SECRET_KEY: is unset or the Stripe emulator's key/);
  });

  it("starts a production server whose settings are all safe", () => {
    expect(refusedVariables(SAFE_PRODUCTION)).toEqual([]);
    expect(refusedVariables({ ...SAFE_PRODUCTION, STRIPE_SECRET_KEY: "sk_test_abc" })).toEqual([]);
  });

  it("refuses each unsafe setting on its own", () => {
    expect(refusedVariables({ ...SAFE_PRODUCTION, AUTH_SECRET: "" })).toEqual(["AUTH_SECRET"]);
    expect(refusedVariables({ ...SAFE_PRODUCTION, STRIPE_WEBHOOK_SECRET: " " })).toEqual([
      "STRIPE_WEBHOOK_SECRET",
    ]);
    expect(
      refusedVariables({ ...SAFE_PRODUCTION, STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY }),
    ).toEqual(["STRIPE_SECRET_KEY"]);
  });

  it("refuses a production FRONTEND_URL that is unset or plain http, but for a loopback address", () => {
    expect(refusedVariables({ ...SAFE_PRODUCTION, FRONTEND_URL: "" })).toEqual(["FRONTEND_URL"]);
    expect(
      refusedVariables({ ...SAFE_PRODUCTION, FRONTEND_URL: "http://billing.example.com" }),
    ).toEqual(["FRONTEND_URL"]);
    expect(refusedVariables({ ...SAFE_PRODUCTION, FRONTEND_URL: "http://127.0.0.1:3100" })).toEqual(
      [],
    );
  });

  it("refuses a production Stripe address that is local or plain http", () => {
    for (const base of [
      "http://127.0.0.1:12111",
      "https://localhost:12111",
      "http://api.stripe.com",
      "https://10.0.0.5",
      "https://[::1]:8443",
    ]) {
      expect(refusedVariables({ ...SAFE_PRODUCTION, STRIPE_API_BASE: base }), base).toEqual([
        "STRIPE_API_BASE",
      ]);
    }
    expect(
      refusedVariables({ ...SAFE_PRODUCTION, STRIPE_API_BASE: "https://api.stripe.com" }),
    ).toEqual([]);
  });

  it("lets a production server use the emulator only when ALLOW_STRIPE_EMULATOR says so", () => {
    const emulated = {
      NODE_ENV: "production",
      FRONTEND_URL: "http://localhost:3100",
      AUTH_SECRET: "s".repeat(32),
      STRIPE_WEBHOOK_SECRET: "whsec_abc123",
      STRIPE_API_BASE: "http://127.0.0.1:12111",
    };
    expect(refusedVariables(emulated)).toEqual([
      "STRIPE_SECRET_KEY",
      "STRIPE_PUBLISHABLE_KEY",
      "STRIPE_API_BASE",
    ]);
    expect(refusedVariables({ ...emulated, ALLOW_STRIPE_EMULATOR: "true" })).toEqual([]);
    expect(refusedVariables({ ...emulated, ALLOW_STRIPE_EMULATOR: "yes" })).toEqual([
      "ALLOW_STRIPE_EMULATOR",
    ]);
  });

  it("lets a production build, a script or a development server run with the defaults", () => {
    expect(parseEnv({ NODE_ENV: "production" }).ok).toBe(true);
    expect(parseEnv({ NODE_ENV: "development" }, { server: true }).ok).toBe(true);
  });

  it("refuses a production AUTH_SECRET that is too short", () => {
    const short = parseEnv({ ...SAFE_PRODUCTION, AUTH_SECRET: "short" }, { server: true });
    expect(!short.ok && short.issues[0]?.variable).toBe("AUTH_SECRET");
  });
});
