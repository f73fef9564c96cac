/**
 * The server the browser tests run against: a Stripe emulator of its own (in memory, on
 * E2E_STRIPE_PORT), the plan catalog and the webhook endpoint synced into it, then
 * `next start` with the emulator's address and the endpoint's signing secret. Build first.
 * Migrations are applied first, as a production deploy does (`next start` only verifies them).
 * ALLOW_STRIPE_EMULATOR lets this production server talk to the emulator.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { configuredDatabase, openDatabase } from "../db";
import { createStripeClient } from "../lib/billing/stripe-client";
import { syncStripeCatalog } from "../lib/billing/stripe-sync";
import { webhookUrlFor } from "../lib/billing/webhook-events";
import { startEmulator } from "../stripe-emulator";

const port = process.env.E2E_PORT ?? "3100";
const stripePort = Number(process.env.E2E_STRIPE_PORT ?? 3190);
const frontendUrl = process.env.FRONTEND_URL ?? `http://127.0.0.1:${port}`;

await (await openDatabase({ ...configuredDatabase(), migrate: true })).close();

const emulator = await startEmulator({ port: stripePort });
const stripe = createStripeClient({
  STRIPE_SECRET_KEY: emulator.secretKey,
  STRIPE_API_BASE: emulator.url,
  STRIPE_EMULATOR_PORT: stripePort,
});
const report = await syncStripeCatalog(stripe, {
  frontendUrl,
  webhookUrl: webhookUrlFor(frontendUrl),
});
if (!report.webhookSecret) throw new Error("the emulator gave no webhook secret");

const next = spawn(
  process.execPath,
  [
    createRequire(import.meta.url).resolve("next/dist/bin/next"),
    "start",
    "--hostname",
    "127.0.0.1",
    "--port",
    port,
  ],
  {
    stdio: "inherit",
    env: {
      ...process.env,
      STRIPE_API_BASE: emulator.url,
      STRIPE_WEBHOOK_SECRET: report.webhookSecret,
      ALLOW_STRIPE_EMULATOR: "true",
    },
  },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => next.kill(signal));
}
next.on("exit", (code, signal) => {
  void emulator.close().finally(() => process.exit(code ?? (signal ? 1 : 0)));
});
