import "server-only";
import { type BillingPeriod, type PlanTier, priceFor } from "../plans";

export interface PlanChoice {
  tier: PlanTier;
  /** Null for a subscription on a price outside the catalog: counted as monthly. */
  period: BillingPeriod | null;
}

export type PlanChangeKind = "same" | "upgrade" | "downgrade";

/** What a plan costs per month: the yearly price is spread over twelve months. */
function monthlyEquivalent({ tier, period }: PlanChoice): number {
  return period === "yearly" ? priceFor(tier, "yearly") / 12 : priceFor(tier, "monthly");
}

/**
 * Pure. An upgrade costs more per month (the yearly price spread over twelve months) or moves
 * from monthly to yearly billing (a year paid up front); anything else that differs is a
 * downgrade. Upgrades take effect now, downgrades at the end of the period (see
 * `changeSubscription`).
 */
export function planChangeKind(from: PlanChoice, to: PlanChoice): PlanChangeKind {
  if (from.tier === to.tier && (from.period ?? "monthly") === to.period) return "same";
  if ((from.period ?? "monthly") === "monthly" && to.period === "yearly") return "upgrade";
  return monthlyEquivalent(to) > monthlyEquivalent(from) ? "upgrade" : "downgrade";
}
