/**
 * The Stripe side of `npm run dev` with the bundled emulator: the catalog sync, and the
 * webhook endpoint whose signing secret the app needs. Stripe (and the emulator) shows an
 * endpoint's secret once, when it is created, so it is kept in `.data/stripe-webhook-secret`;
 * when that file is gone the endpoint is made again to learn a new one.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type Stripe from "stripe";
import { WEBHOOK_METADATA, webhookUrlFor } from "../lib/billing/mirror/webhook-endpoint";
import { type SetupReport, setUpStripe } from "../lib/billing/service/set-up-stripe";

export const EMULATOR_DATA_FILE = ".data/stripe-emulator.json";
export const WEBHOOK_SECRET_FILE = ".data/stripe-webhook-secret";

export function readWebhookSecret(file: string = WEBHOOK_SECRET_FILE): string | null {
  try {
    const value = readFileSync(file, "utf8").trim();
    return /^whsec_\w+$/.test(value) ? value : null;
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return null;
    throw error;
  }
}

export function writeWebhookSecret(secret: string, file: string = WEBHOOK_SECRET_FILE): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  // `mode` applies only to a new file; an older one may have been created more open.
  chmodSync(file, 0o600);
}

/**
 * Syncs the catalog into the emulator and returns the webhook secret for
 * `${frontendUrl}/api/stripe/webhook`, from the file or from a newly made endpoint. Endpoints
 * the sync made earlier for another address (FRONTEND_URL on another port) are deleted, so the
 * emulator does not retry deliveries to an address nothing listens on.
 */
export async function syncDevStripe(
  stripe: Stripe,
  { frontendUrl, secretFile = WEBHOOK_SECRET_FILE }: { frontendUrl: string; secretFile?: string },
): Promise<{ report: SetupReport; webhookSecret: string }> {
  const webhookUrl = webhookUrlFor(frontendUrl);
  const stale: string[] = [];
  for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) {
    if (endpoint.metadata.tollgate === WEBHOOK_METADATA.tollgate && endpoint.url !== webhookUrl) {
      stale.push(endpoint.id);
    }
  }
  for (const id of stale) await stripe.webhookEndpoints.del(id);

  const known = readWebhookSecret(secretFile);
  const report = await setUpStripe(stripe, {
    frontendUrl,
    webhookUrl,
    replaceWebhookEndpoint: known === null,
  });
  if (report.webhookSecret) {
    writeWebhookSecret(report.webhookSecret, secretFile);
    return { report, webhookSecret: report.webhookSecret };
  }
  if (!known) throw new Error("the webhook endpoint was not created again; no secret is known");
  return { report, webhookSecret: known };
}
