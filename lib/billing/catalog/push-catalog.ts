/**
 * `pushCatalog`: makes a Stripe account match the plan catalog in `plans.ts`: one product per
 * paid tier, a recurring price per lookup key (graduated tiers: the base price for the included
 * members, then a price per further member), the API-calls meter with a metered price per
 * tier, and the customer-portal configuration (with no plan switching).
 *
 * Contract: idempotent and convergent. Everything is found by what identifies it (product id,
 * lookup key, meter event name, portal metadata) before anything is written, so a second run
 * changes nothing and a run interrupted halfway is finished by the next one. Prices are
 * immutable in Stripe: a changed amount creates a new price that takes the lookup key over
 * (`transfer_lookup_key`) and archives the old one, so existing subscriptions keep their price;
 * so does changed seat pricing, and so did the move from per-unit prices to tiered ones.
 * No explicit idempotency keys: stripe-node adds one to each retried request, and across runs a
 * fixed key would replay a stale object after a manual change within Stripe's 24 hours.
 *
 * May throw Stripe's errors; works the same against the emulator and a real account. Not
 * `server-only`: `npm run stripe:sync` runs it (service/set-up-stripe.ts).
 */
import type Stripe from "stripe";
import {
  API_CALL_UNIT_AMOUNTS,
  API_CALLS_METER,
  BILLING_PERIODS,
  CURRENCY,
  extraSeatAmount,
  getPlan,
  includedSeats,
  isPaidTier,
  lookupKeyFor,
  meteredLookupKeyFor,
  PLAN_TIERS,
  stripeProductIdFor,
} from "./plans";
import { pushMeter } from "./push/meter";
import { pushPortalConfiguration } from "./push/portal";
import { licensedPriceSpec, meteredPriceSpec, pushPrice } from "./push/prices";
import { pushProduct } from "./push/product";
import type { StripeCatalog, StripeChange } from "./push/types";

export type {
  CatalogPrice,
  CatalogProduct,
  ChangeAction,
  StripeCatalog,
  StripeChange,
} from "./push/types";

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
          includedSeats: includedSeats(tier),
          extraSeatAmount: extraSeatAmount(tier, period),
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

export async function pushCatalog(
  stripe: Stripe,
  {
    frontendUrl,
    catalog = stripeCatalog(),
  }: {
    /** FRONTEND_URL: the portal's default return, `${frontendUrl}/account/billing` (the current workspace's billing; each portal session names its own workspace's page). */
    frontendUrl: string;
    catalog?: StripeCatalog;
  },
): Promise<StripeChange[]> {
  const changes: StripeChange[] = [];
  for (const product of catalog.products) changes.push(await pushProduct(stripe, product));

  const meter = await pushMeter(stripe, catalog.meter);
  changes.push(meter.change);

  for (const product of catalog.products) {
    for (const price of product.prices) {
      const pushed = await pushPrice(stripe, licensedPriceSpec(catalog.currency, product, price));
      changes.push(...pushed.changes);
    }
    const metered = await pushPrice(stripe, meteredPriceSpec(catalog.currency, product, meter.id));
    changes.push(...metered.changes);
  }

  changes.push(
    await pushPortalConfiguration(stripe, {
      headline: catalog.portalHeadline,
      returnUrl: `${frontendUrl.replace(/\/+$/, "")}/account/billing`,
    }),
  );
  return changes;
}
