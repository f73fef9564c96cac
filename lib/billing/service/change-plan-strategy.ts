import "server-only";
import type Stripe from "stripe";
import { AppError } from "@/lib/errors";
import {
  type BillingPeriod,
  getPlan,
  type PaidPlanTier,
  type PlanTier,
  planAmount,
} from "../catalog/plans";
import { keptPlanOf } from "../catalog/subscription";
import type { CurrentSubscription } from "./current-subscription";

/**
 * The rules of a plan change, pure: which way it goes (`planChangeKind`) and how Stripe is asked
 * to make it (`planChangeStrategy`). The Stripe calls are in change-plan.ts.
 */

export interface PlanChoice {
  tier: PlanTier;
  /** Null for a subscription on a price outside the catalog: counted as monthly. */
  period: BillingPeriod | null;
}

export type PlanChangeKind = "same" | "upgrade" | "downgrade";

/**
 * What a plan costs per month for `members` seats: the yearly price is spread over twelve
 * months.
 */
function monthlyEquivalent({ tier, period }: PlanChoice, members: number): number {
  return period === "yearly"
    ? planAmount(tier, "yearly", members) / 12
    : planAmount(tier, "monthly", members);
}

/**
 * Pure. An upgrade costs more per month for the subscription's `members` seats (the yearly
 * price spread over twelve months) or moves from monthly to yearly billing (a year paid up
 * front); anything else that differs is a downgrade. Upgrades take effect now, downgrades at
 * the end of the period.
 */
export function planChangeKind(from: PlanChoice, to: PlanChoice, members = 1): PlanChangeKind {
  if (from.tier === to.tier && (from.period ?? "monthly") === to.period) return "same";
  if ((from.period ?? "monthly") === "monthly" && to.period === "yearly") return "upgrade";
  return monthlyEquivalent(to, members) > monthlyEquivalent(from, members)
    ? "upgrade"
    : "downgrade";
}

export interface PlanChangeStrategy {
  kind: Exclude<PlanChangeKind, "same">;
  /** When the new price starts to be billed. */
  timing: "now" | "period_end";
  prorationBehavior: Extract<
    Stripe.SubscriptionUpdateParams.ProrationBehavior,
    "always_invoice" | "none"
  >;
  /**
   * What becomes of the plan kept until the period's end (catalog/subscription.ts): `keep`
   * records it (a downgrade that waits), `clear` removes it, `leave` touches nothing.
   */
  keptPlan: { action: "keep"; lookupKey: string; until: number } | { action: "clear" | "leave" };
}

/**
 * How a subscription moves to another plan; throws `already_on_plan` for the plan it is on and
 * `conflict` unless it is active or trialing (a payment problem is fixed in the portal first).
 *
 * - In a trial nothing is billed: the price is swapped without prorations, and the first
 *   invoice at the trial's end charges the new plan.
 * - An upgrade applies now and its proration is invoiced and charged at once
 *   (`always_invoice`); a declined card refuses the change (`error_if_incomplete`, 402).
 * - A downgrade is billed from the next renewal and takes effect then: with no subscription
 *   schedules (the emulator has none, and a schedule per change is heavy for one plan item) the
 *   price is swapped now with `proration_behavior: "none"`, so nothing is credited or charged
 *   for the rest of the period and the renewal invoices the new price; the plan paid for is
 *   recorded as kept until the period's end, and the entitlements follow it until then.
 * - Choosing the kept plan again before the period ends undoes the downgrade: the price is
 *   swapped back without prorations (the period was paid on that plan) and the kept plan is
 *   cleared.
 * - A downgrade that also moves from yearly to monthly billing cannot wait: Stripe restarts the
 *   billing cycle whenever the interval changes. It applies now, and the unused part of the
 *   year is credited to the customer's balance (`always_invoice`), which later invoices use.
 * - Any change that applies now clears a kept plan: from then on the subscription's own price
 *   is what was paid for.
 */
export function planChangeStrategy(
  current: CurrentSubscription,
  target: { tier: PaidPlanTier; period: BillingPeriod },
): PlanChangeStrategy {
  const kept = keptPlanOf(current.subscription);
  // A kept plan belongs to the period it was paid for; once the period renews it is history.
  const keptNow = kept && kept.until >= current.item.current_period_end ? kept : null;
  const clear = { action: kept ? "clear" : "leave" } as const;
  const { status } = current.subscription;
  if (
    keptNow &&
    status === "active" &&
    keptNow.tier === target.tier &&
    keptNow.period === target.period
  ) {
    return { kind: "upgrade", timing: "now", prorationBehavior: "none", keptPlan: clear };
  }
  const kind = planChangeKind(current, target, current.item.quantity ?? 1);
  if (kind === "same") {
    throw new AppError(
      "already_on_plan",
      `You are already on the ${getPlan(target.tier).name} plan, billed ${target.period}.`,
    );
  }
  if (status === "trialing") {
    return { kind, timing: "now", prorationBehavior: "none", keptPlan: clear };
  }
  if (status !== "active") {
    throw new AppError(
      "conflict",
      "Your subscription has a payment problem. Update your payment method in the billing portal first.",
      { details: { status } },
    );
  }
  if (kind === "upgrade" || (current.period ?? "monthly") !== target.period) {
    return { kind, timing: "now", prorationBehavior: "always_invoice", keptPlan: clear };
  }
  const keep = keptNow
    ? { lookupKey: keptNow.lookupKey, until: keptNow.until }
    : {
        lookupKey: current.item.price.lookup_key ?? current.item.price.id,
        until: current.item.current_period_end,
      };
  return {
    kind,
    timing: "period_end",
    prorationBehavior: "none",
    keptPlan: { action: "keep", ...keep },
  };
}
