import "server-only";
import type Stripe from "stripe";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { callStripe } from "../stripe/call-stripe";
import { BILLING_UNAVAILABLE } from "../stripe/errors";
import {
  type BillingPeriod,
  billsUsage,
  lookupKeyFor,
  meteredLookupKeyFor,
  type PaidPlanTier,
} from "./plans";

/**
 * The active Stripe prices of a paid plan and period, found by lookup key — never by an id or
 * amount from the client: the plan's price, and its metered price when `billsUsage`. Throws
 * `unavailable` (logged) when the catalog has not been pushed to this Stripe account
 * (`npm run stripe:sync`).
 */
export async function resolvePlanPrices(
  stripe: Stripe,
  tier: PaidPlanTier,
  period: BillingPeriod,
): Promise<{ price: Stripe.Price; metered: Stripe.Price | null }> {
  const planKey = lookupKeyFor(tier, period);
  const meteredKey = billsUsage(period) ? meteredLookupKeyFor(tier) : null;
  const lookupKeys = meteredKey ? [planKey, meteredKey] : [planKey];
  const prices = await callStripe("prices.list", () =>
    stripe.prices.list({ lookup_keys: lookupKeys, active: true, limit: lookupKeys.length }),
  );
  const byKey = new Map(prices.data.map((price) => [price.lookup_key, price]));
  const missing = lookupKeys.filter((key) => !byKey.has(key));
  const price = byKey.get(planKey);
  if (!price || missing.length > 0) {
    log.error(
      { lookupKeys: missing },
      "no active Stripe price for a catalog lookup key; run stripe:sync",
    );
    throw new AppError("unavailable", BILLING_UNAVAILABLE);
  }
  return { price, metered: meteredKey ? (byKey.get(meteredKey) ?? null) : null };
}
