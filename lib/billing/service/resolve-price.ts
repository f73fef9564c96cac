import "server-only";
import type Stripe from "stripe";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { type BillingPeriod, lookupKeyFor, type PaidPlanTier } from "../plans";
import { callStripe } from "./call-stripe";
import { BILLING_UNAVAILABLE } from "./stripe-errors";

/**
 * The active Stripe price of a paid plan and period, found by its lookup key — never by an id
 * or amount from the client. Throws `unavailable` (logged) when the catalog has not been synced
 * to this Stripe account (`npm run stripe:sync`).
 */
export async function resolvePrice(
  stripe: Stripe,
  tier: PaidPlanTier,
  period: BillingPeriod,
): Promise<Stripe.Price> {
  const lookupKey = lookupKeyFor(tier, period);
  const prices = await callStripe("prices.list", () =>
    stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 }),
  );
  const price = prices.data[0];
  if (!price) {
    log.error({ lookupKey }, "no active Stripe price for a catalog lookup key; run stripe:sync");
    throw new AppError("unavailable", BILLING_UNAVAILABLE);
  }
  return price;
}
