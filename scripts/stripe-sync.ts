/**
 * `npm run stripe:sync [-- --webhook-url URL]`: creates or updates, idempotently, the products,
 * prices, usage meter and portal configuration of lib/billing/catalog/plans.ts in the configured
 * Stripe (STRIPE_SECRET_KEY / STRIPE_API_BASE: a real account, or the emulator `npm run dev` runs),
 * and prints what it did. The webhook endpoint is only touched with --webhook-url, or on the
 * emulator (for FRONTEND_URL/api/stripe/webhook); Stripe shows its signing secret once, when
 * it is created, so the script prints it then (and on the emulator saves it for `npm run dev`).
 */
import "./load-env";
import { parseArgs } from "node:util";
import Stripe from "stripe";
import { webhookUrlFor } from "../lib/billing/mirror/webhook-endpoint";
import { formatSetupReport, setUpStripe } from "../lib/billing/service/set-up-stripe";
import { createStripeClient, stripeApiBase } from "../lib/billing/stripe/client";
import { formatEnvErrors, parseEnv, usesStripeEmulator } from "../lib/env";
import { WEBHOOK_SECRET_FILE, writeWebhookSecret } from "./dev-stripe";

function fail(message: string): never {
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}

const USAGE =
  "Usage: npm run stripe:sync [-- --webhook-url https://example.com/api/stripe/webhook]";

let webhookUrlOption: string | undefined;
try {
  const { values } = parseArgs({
    options: { "webhook-url": { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  webhookUrlOption = values["webhook-url"];
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}

const result = parseEnv();
if (!result.ok) fail(formatEnvErrors(result.issues));
const config = result.env;
const onEmulator = usesStripeEmulator(config);

if (webhookUrlOption !== undefined && !URL.canParse(webhookUrlOption)) {
  fail(`--webhook-url must be an absolute URL such as https://example.com/api/stripe/webhook`);
}
const webhookUrl =
  webhookUrlOption ?? (onEmulator ? webhookUrlFor(config.FRONTEND_URL) : undefined);

const base = stripeApiBase(config);
const target = onEmulator
  ? `the Stripe emulator at ${base}`
  : `Stripe at ${base} (${config.STRIPE_SECRET_KEY.includes("_live_") ? "live" : "test"} mode)`;
process.stdout.write(`Syncing the plan catalog into ${target}\n\n`);

try {
  const report = await setUpStripe(createStripeClient(config), {
    frontendUrl: config.FRONTEND_URL,
    webhookUrl,
  });
  process.stdout.write(`${formatSetupReport(report)}\n\n`);

  if (report.webhookSecret && onEmulator) {
    writeWebhookSecret(report.webhookSecret);
    process.stdout.write(
      `The webhook endpoint was created; its secret is saved in ${WEBHOOK_SECRET_FILE}.\n` +
        "Restart `npm run dev` so the app uses it.\n",
    );
  } else if (report.webhookSecret) {
    process.stdout.write(
      "The webhook endpoint was created. Its signing secret (Stripe shows it only now):\n\n" +
        `  STRIPE_WEBHOOK_SECRET=${report.webhookSecret}\n\n` +
        "Set it in the app's environment.\n",
    );
  } else if (!webhookUrl) {
    process.stdout.write(
      "No webhook endpoint was touched; pass --webhook-url with the app's public address\n" +
        `(${webhookUrlFor("https://your-app.example.com")}) to create or update it.\n`,
    );
  }
} catch (error) {
  if (error instanceof Stripe.errors.StripeConnectionError && onEmulator) {
    fail(
      `The Stripe emulator does not answer at ${base}. It runs inside \`npm run dev\`: start ` +
        "that (it syncs the catalog itself), or set STRIPE_API_BASE to a running emulator.",
    );
  }
  if (error instanceof Stripe.errors.StripeError) {
    fail(
      `Stripe refused the sync (${error.type}${error.code ? `, ${error.code}` : ""}): ${error.message}`,
    );
  }
  throw error;
}
