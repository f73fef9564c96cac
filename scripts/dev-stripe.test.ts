import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStripeClient } from "../lib/billing/stripe/client";
import { type RunningEmulator, startEmulator } from "../stripe-emulator";
import { readWebhookSecret, syncDevStripe } from "./dev-stripe";

let emulator: RunningEmulator;
let stripe: Stripe;
let secretFile: string;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0 });
  stripe = createStripeClient({
    STRIPE_SECRET_KEY: emulator.secretKey,
    STRIPE_API_BASE: emulator.url,
    STRIPE_EMULATOR_PORT: emulator.port,
  });
  secretFile = path.join(mkdtempSync(path.join(tmpdir(), "tollgate-webhook-")), "data", "secret");
});

afterEach(async () => {
  await emulator.close();
});

describe("syncDevStripe", () => {
  it("keeps the new endpoint's secret in a file only its owner can read, and reuses it", async () => {
    const first = await syncDevStripe(stripe, { frontendUrl: "http://localhost:3000", secretFile });
    expect(first.webhookSecret).toMatch(/^whsec_/);
    expect(readWebhookSecret(secretFile)).toBe(first.webhookSecret);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);

    const second = await syncDevStripe(stripe, {
      frontendUrl: "http://localhost:3000",
      secretFile,
    });
    expect(second.webhookSecret).toBe(first.webhookSecret);
    expect(second.report.changes.every((change) => change.action === "unchanged")).toBe(true);
  });

  it("makes the endpoint again when the secret file is gone, so the secret is known", async () => {
    const first = await syncDevStripe(stripe, { frontendUrl: "http://localhost:3000", secretFile });
    rmSync(secretFile);

    const second = await syncDevStripe(stripe, {
      frontendUrl: "http://localhost:3000",
      secretFile,
    });
    expect(second.webhookSecret).not.toBe(first.webhookSecret);
    expect(readWebhookSecret(secretFile)).toBe(second.webhookSecret);
    expect((await stripe.webhookEndpoints.list()).data).toHaveLength(1);
  });

  it("drops the endpoint it made for an earlier address", async () => {
    await syncDevStripe(stripe, { frontendUrl: "http://localhost:3000", secretFile });
    await syncDevStripe(stripe, { frontendUrl: "http://localhost:4000", secretFile });

    const { data } = await stripe.webhookEndpoints.list();
    expect(data.map((endpoint) => endpoint.url)).toEqual([
      "http://localhost:4000/api/stripe/webhook",
    ]);
  });
});
