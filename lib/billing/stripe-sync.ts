/**
 * `syncStripeCatalog`: makes a Stripe account match the plan catalog in `plans.ts`: one product
 * per paid tier, a recurring price per lookup key, the API-calls meter with a metered price per
 * tier, the customer-portal configuration (with no plan switching) and, when asked, the
 * webhook endpoint.
 *
 * Contract: idempotent and convergent. Everything is found by what identifies it (product id,
 * lookup key, meter event name, portal metadata, endpoint URL) before anything is written, so a
 * second run changes nothing and a run interrupted halfway is finished by the next one. Prices
 * are immutable in Stripe: a changed amount creates a new price that takes the lookup key over
 * (`transfer_lookup_key`) and archives the old one, so existing subscriptions keep their price.
 * No explicit idempotency keys: stripe-node adds one to each retried request, and across runs a
 * fixed key would replay a stale object after a manual change within Stripe's 24 hours.
 *
 * May throw Stripe's errors; works the same against the emulator and a real account.
 */
import type Stripe from "stripe";
import { syncMeter } from "./catalog-sync/meter";
import { syncPortalConfiguration } from "./catalog-sync/portal";
import { licensedPriceSpec, meteredPriceSpec, syncPrice } from "./catalog-sync/prices";
import { syncProduct } from "./catalog-sync/product";
import type { StripeCatalog, SyncChange } from "./catalog-sync/types";
import { syncWebhookEndpoint } from "./catalog-sync/webhook-endpoint";
import {
  API_CALL_UNIT_AMOUNTS,
  API_CALLS_METER,
  BILLING_PERIODS,
  CURRENCY,
  getPlan,
  isPaidTier,
  lookupKeyFor,
  meteredLookupKeyFor,
  PLAN_TIERS,
  stripeProductIdFor,
} from "./plans";

export type {
  CatalogPrice,
  CatalogProduct,
  StripeCatalog,
  SyncAction,
  SyncChange,
} from "./catalog-sync/types";

export function stripeCatalog(): StripeCatalog {
  return {
    currency: CURRENCY,
    products: PLAN_TIERS.filter(isPaidTier).map((tier) => {
      const plan = getPlan(tier);
      return {
        id: stripeProductIdFor(tier),
        tier,
        name: plan.name,
        description: plan.tagline,
        prices: BILLING_PERIODS.map((period) => ({
          lookupKey: lookupKeyFor(tier, period),
          period,
          amount: plan.prices[period].amount,
        })),
        meteredPrice: {
          lookupKey: meteredLookupKeyFor(tier),
          unitAmountDecimal: API_CALL_UNIT_AMOUNTS[tier],
        },
      };
    }),
    meter: API_CALLS_METER,
    portalHeadline: "Tollgate: update your card and billing details, download invoices.",
  };
}

export interface SyncReport {
  changes: SyncChange[];
  /** The endpoint's signing secret when this run created it (Stripe shows it only then). */
  webhookSecret: string | null;
}

export interface SyncOptions {
  /** FRONTEND_URL: the portal returns to `${frontendUrl}/account/billing`. */
  frontendUrl: string;
  /** Unset → no webhook endpoint is touched. */
  webhookUrl?: string;
  /** Delete an existing endpoint for webhookUrl and create it again, to learn its secret. */
  replaceWebhookEndpoint?: boolean;
  catalog?: StripeCatalog;
}

export async function syncStripeCatalog(
  stripe: Stripe,
  {
    frontendUrl,
    webhookUrl,
    replaceWebhookEndpoint = false,
    catalog = stripeCatalog(),
  }: SyncOptions,
): Promise<SyncReport> {
  const changes: SyncChange[] = [];
  for (const product of catalog.products) changes.push(await syncProduct(stripe, product));

  const meter = await syncMeter(stripe, catalog.meter);
  changes.push(meter.change);

  for (const product of catalog.products) {
    for (const price of product.prices) {
      const synced = await syncPrice(stripe, licensedPriceSpec(catalog.currency, product, price));
      changes.push(...synced.changes);
    }
    const metered = await syncPrice(stripe, meteredPriceSpec(catalog.currency, product, meter.id));
    changes.push(...metered.changes);
  }

  changes.push(
    await syncPortalConfiguration(stripe, {
      headline: catalog.portalHeadline,
      returnUrl: `${frontendUrl.replace(/\/+$/, "")}/account/billing`,
    }),
  );

  let webhookSecret: string | null = null;
  if (webhookUrl) {
    const endpoint = await syncWebhookEndpoint(stripe, webhookUrl, replaceWebhookEndpoint);
    changes.push(endpoint.change);
    webhookSecret = endpoint.secret;
  }
  return { changes, webhookSecret };
}

/** True when the run wrote anything. */
export function syncChangedAnything(report: SyncReport): boolean {
  return report.changes.some((change) => change.action !== "unchanged");
}

/** One line per object: action, kind, key, id. */
export function formatSyncReport(report: SyncReport): string {
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
