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

describe("parseEnv for a starting server", () => {
  it("refuses a production server without AUTH_SECRET, naming it", () => {
    const result = parseEnv({ NODE_ENV: "production" }, { server: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.variable)).toEqual(["AUTH_SECRET"]);
    expect(formatEnvErrors(result.issues)).toMatch(/AUTH_SECRET: is required in production/);
  });

  it("lets a production build, a script or a development server run without AUTH_SECRET", () => {
    expect(parseEnv({ NODE_ENV: "production" }).ok).toBe(true);
    expect(parseEnv({ NODE_ENV: "development" }, { server: true }).ok).toBe(true);
  });

  it("accepts a production server with a long enough AUTH_SECRET", () => {
    const secret = "s".repeat(32);
    expect(parseEnv({ NODE_ENV: "production", AUTH_SECRET: secret }, { server: true }).ok).toBe(
      true,
    );
    const short = parseEnv({ NODE_ENV: "production", AUTH_SECRET: "short" }, { server: true });
    expect(!short.ok && short.issues[0]?.variable).toBe("AUTH_SECRET");
  });
});
