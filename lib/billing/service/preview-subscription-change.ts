import "server-only";
import { AppError } from "@/lib/errors";
import { type BillingPeriod, isPaidTier, type PlanTier } from "../plans";
import { planChangeStrategy } from "./plan-change-strategy";
import { planItemChanges } from "./plan-items";
import { previewProration } from "./preview-proration";
import { requireCurrentSubscription } from "./require-current-subscription";
import { resolvePlanPrices } from "./resolve-price";
import type { BillingDeps } from "./types";

export interface PlanChangePreview {
  change: "upgrade" | "downgrade";
  /** Charged at once when the change is made, in the currency's smallest unit. */
  amountDue: number;
  currency: string;
  /**
   * Unix seconds the proration was computed at; send it back with the change so the charge is
   * this amount (honoured for a few minutes). Null when nothing is prorated.
   */
  prorationDate: number | null;
  /** When the new price starts to be billed (ISO). */
  effectiveAt: string;
}

/**
 * What moving the user's subscription to `tier`/`period` would charge now, from Stripe's own
 * invoice preview; nothing changes. Same errors as `changeSubscription`.
 */
export async function previewSubscriptionChange(
  deps: BillingDeps & { userId: string; tier: PlanTier; period: BillingPeriod },
): Promise<PlanChangePreview> {
  const { stripe, tier, period } = deps;
  if (!isPaidTier(tier)) {
    throw new AppError("plan_not_purchasable", "To go back to Free, cancel your subscription.");
  }
  const current = await requireCurrentSubscription(deps);
  const strategy = planChangeStrategy(current, { tier, period });
  const currency = current.item.price.currency;
  if (strategy.prorationBehavior === "none") {
    const periodEnd = current.item.current_period_end;
    const effectiveAt = strategy.timing === "now" ? new Date() : new Date(periodEnd * 1000);
    return {
      change: strategy.kind,
      amountDue: 0,
      currency,
      prorationDate: null,
      effectiveAt: effectiveAt.toISOString(),
    };
  }
  const prices = await resolvePlanPrices(stripe, tier, period);
  const { invoice, prorationDate } = await previewProration(
    stripe,
    current,
    planItemChanges(current, prices),
  );
  return {
    change: strategy.kind,
    amountDue: invoice.amount_due,
    currency: invoice.currency,
    prorationDate,
    effectiveAt: new Date(prorationDate * 1000).toISOString(),
  };
}
