/**
 * `setUpStripe`: makes a Stripe account ready for Tollgate — the plan catalog pushed
 * (catalog/push-catalog.ts) and, when asked, the webhook endpoint registered for the handled
 * events (mirror/webhook-endpoint.ts). What `npm run stripe:sync`, `npm run dev`, the e2e server
 * and the tests run. Idempotent and convergent, like both of its parts; may throw Stripe's
 * errors. Not `server-only`: the scripts run it under tsx.
 */
import type Stripe from "stripe";
import { pushCatalog, type StripeCatalog, type StripeChange } from "../catalog/push-catalog";
import { registerWebhookEndpoint } from "../mirror/webhook-endpoint";

export interface SetupReport {
  changes: StripeChange[];
  /** The endpoint's signing secret when this run created it (Stripe shows it only then). */
  webhookSecret: string | null;
}

export interface SetupOptions {
  /** FRONTEND_URL: the portal returns to `${frontendUrl}/account/billing`. */
  frontendUrl: string;
  /** Unset → no webhook endpoint is touched. */
  webhookUrl?: string;
  /** Delete an existing endpoint for webhookUrl and create it again, to learn its secret. */
  replaceWebhookEndpoint?: boolean;
  catalog?: StripeCatalog;
}

export async function setUpStripe(
  stripe: Stripe,
  { frontendUrl, webhookUrl, replaceWebhookEndpoint = false, catalog }: SetupOptions,
): Promise<SetupReport> {
  const changes = await pushCatalog(stripe, { frontendUrl, ...(catalog ? { catalog } : {}) });
  let webhookSecret: string | null = null;
  if (webhookUrl) {
    const endpoint = await registerWebhookEndpoint(stripe, webhookUrl, replaceWebhookEndpoint);
    changes.push(endpoint.change);
    webhookSecret = endpoint.secret;
  }
  return { changes, webhookSecret };
}

/** True when the run wrote anything. */
export function setupChangedAnything(report: SetupReport): boolean {
  return report.changes.some((change) => change.action !== "unchanged");
}

/** One line per object: action, kind, key, id. */
export function formatSetupReport(report: SetupReport): string {
  const rows = report.changes.map((change) => [
    change.action,
    change.kind.replaceAll("_", " "),
    change.key,
    change.id,
  ]);
  const widths = [0, 1, 2].map((column) =>
    Math.max(...rows.map((row) => (row[column] ?? "").length)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
