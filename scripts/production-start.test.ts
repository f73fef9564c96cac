import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const baseEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };

/** The real `next start` of a production server; its configuration check runs before any build is needed. */
function nextStart(env: Record<string, string>) {
  return spawnSync(process.execPath, [nextBin, "start", "--port", "3198"], {
    cwd: root,
    env: { ...baseEnv, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
}

describe("a production server start", { timeout: 60_000 }, () => {
  it("is refused with the emulator's keys and no webhook secret, naming each", () => {
    const result = nextStart({ AUTH_SECRET: "s".repeat(40) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Invalid configuration");
    expect(result.stderr).toMatch(/FRONTEND_URL: is required in production/);
    expect(result.stderr).toMatch(/STRIPE_WEBHOOK_SECRET: is required in production/);
    expect(result.stderr).toMatch(/STRIPE_SECRET_KEY: is unset or the Stripe emulator's key/);
    expect(result.stderr).toMatch(/STRIPE_PUBLISHABLE_KEY: is unset or the Stripe emulator's key/);
    expect(result.stderr).not.toContain("AUTH_SECRET:");
  });

  it("is refused when Stripe is reached at a local address", () => {
    const result = nextStart({
      FRONTEND_URL: "https://billing.example.com",
      AUTH_SECRET: "s".repeat(40),
      STRIPE_SECRET_KEY: "sk_live_abc",
      STRIPE_PUBLISHABLE_KEY: "pk_live_abc",
      STRIPE_WEBHOOK_SECRET: "whsec_abc",
      STRIPE_API_BASE: "http://127.0.0.1:12111",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/STRIPE_API_BASE: points at a local or plain-http address/);
  });
});

describe("npm run db:seed", { timeout: 60_000 }, () => {
  function seed(env: Record<string, string>) {
    return spawnSync(process.execPath, ["--import", "tsx", "scripts/db-seed.ts"], {
      cwd: root,
      env: { ...baseEnv, NODE_ENV: "development", LOG_LEVEL: "info", ...env },
      encoding: "utf8",
      timeout: 30_000,
    });
  }

  it("refuses a database on another host without SEED_PASSWORD, before connecting", () => {
    const result = seed({ DATABASE_URL: "postgres://app@db.example.com:5432/tollgate" });
    expect(result.status).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toMatch(
      /SEED_PASSWORD must be set to seed a database on another host \(db\.example\.com\)/,
    );
  });

  it("refuses a production database without SEED_PASSWORD", () => {
    const result = seed({ NODE_ENV: "production", DATABASE_URL: "postgres://127.0.0.1/x" });
    expect(result.status).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toMatch(/SEED_PASSWORD must be set/);
  });
});
