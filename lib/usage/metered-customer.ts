import { isPaidTier } from "@/lib/billing/catalog/plans";
import type { Entitlements, SubscriptionRow } from "@/lib/billing/entitlements";

/**
 * The Stripe customer whose API calls are reported to the usage meter, or null when none are.
 *
 * Reported when the user's entitlements come from a subscription (active, trialing, or
 * past_due inside the grace period) on a paid tier, and that subscription carries the metered
 * API-calls price — mirrored from Stripe as `metered_price_id` (monthly plans have it; yearly
 * ones do not). Usage without it is counted against the limits but not reported: Stripe would
 * take the meter events but bill them to nobody. Decided from Postgres alone, so recording
 * never waits for Stripe.
 */
export function meteredCustomer(
  entitlements: Entitlements,
  subscription: SubscriptionRow | null,
): string | null {
  if (entitlements.source !== "subscription" || !subscription) return null;
  if (!isPaidTier(entitlements.tier) || !subscription.meteredPriceId) return null;
  return subscription.stripeCustomerId;
}
