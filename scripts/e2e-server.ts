/**
 * The server the browser tests run against: a Stripe emulator of its own (in memory, on
 * E2E_STRIPE_PORT), the plan catalog and the webhook endpoint synced into it, a mail sink that
 * keeps every email in E2E_MAILBOX, then `next start` with the emulator's address, the
 * endpoint's signing secret and the sink as EMAIL_SERVER, the job worker running inside it
 * (WORKER_IN_APP). Build first. Migrations are applied
 * first, as a production deploy does (`next start` only verifies them); ALLOW_STRIPE_EMULATOR
 * lets this production server talk to the emulator.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { configuredDatabase, openDatabase } from "../db";
import { startMailSink } from "../e2e/mail-sink";
import { webhookUrlFor } from "../lib/billing/mirror/webhook-endpoint";
import { setUpStripe } from "../lib/billing/service/set-up-stripe";
import { createStripeClient } from "../lib/billing/stripe/client";
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
const report = await setUpStripe(stripe, {
  frontendUrl,
  webhookUrl: webhookUrlFor(frontendUrl),
});
if (!report.webhookSecret) throw new Error("the emulator gave no webhook secret");
const mailbox = process.env.E2E_MAILBOX;
if (!mailbox) throw new Error("E2E_MAILBOX is not set (playwright.config.ts sets it)");
const mailSink = await startMailSink(mailbox);

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
      // The browser tests wait for webhooks to be applied: the job worker runs in the server.
      WORKER_IN_APP: "true",
      EMAIL_SERVER: mailSink.url,
    },
  },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => next.kill(signal));
}
next.on("exit", (code, signal) => {
  void Promise.all([emulator.close(), mailSink.close()]).finally(() =>
    process.exit(code ?? (signal ? 1 : 0)),
  );
});
