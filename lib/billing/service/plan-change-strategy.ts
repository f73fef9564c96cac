import "server-only";
import type Stripe from "stripe";
import { AppError } from "@/lib/errors";
import { type BillingPeriod, getPlan, type PaidPlanTier } from "../plans";
import { type PlanChangeKind, planChangeKind } from "./plan-change";
import type { CurrentSubscription } from "./require-current-subscription";

export interface PlanChangeStrategy {
  kind: Exclude<PlanChangeKind, "same">;
  /** When the new price starts to be billed. */
  timing: "now" | "period_end";
  prorationBehavior: Extract<
    Stripe.SubscriptionUpdateParams.ProrationBehavior,
    "always_invoice" | "none"
  >;
}

/**
 * How a subscription moves to another plan; throws `already_on_plan` for the plan it is on and
 * `conflict` unless it is active or trialing (a payment problem is fixed in the portal first).
 *
 * - In a trial nothing is billed: the price is swapped without prorations, and the first
 *   invoice at the trial's end charges the new plan.
 * - An upgrade applies now and its proration is invoiced and charged at once
 *   (`always_invoice`); a declined card refuses the change (`error_if_incomplete`, 402).
 * - A downgrade is billed from the next renewal: with no subscription schedules (the emulator
 *   has none, and a schedule per change is heavy for one plan item) the price is swapped now
 *   with `proration_behavior: "none"`, so nothing is credited or charged for the rest of the
 *   period and the renewal invoices the new price. The plan (and so the entitlements) follows
 *   the subscription's price at once; the period's paid invoice still names the old plan, so
 *   the billing page can say "Enterprise until <period end>, then Pro".
 * - A downgrade that also moves from yearly to monthly billing cannot wait: Stripe restarts the
 *   billing cycle whenever the interval changes. It applies now, and the unused part of the
 *   year is credited to the customer's balance (`always_invoice`), which later invoices use.
 */
export function planChangeStrategy(
  current: CurrentSubscription,
  target: { tier: PaidPlanTier; period: BillingPeriod },
): PlanChangeStrategy {
  const kind = planChangeKind(current, target);
  if (kind === "same") {
    throw new AppError(
      "already_on_plan",
      `You are already on the ${getPlan(target.tier).name} plan, billed ${target.period}.`,
    );
  }
  const { status } = current.subscription;
  if (status === "trialing") return { kind, timing: "now", prorationBehavior: "none" };
  if (status !== "active") {
    throw new AppError(
      "conflict",
      "Your subscription has a payment problem. Update your payment method in the billing portal first.",
      { details: { status } },
    );
  }
  if (kind === "upgrade" || (current.period ?? "monthly") !== target.period) {
    return { kind, timing: "now", prorationBehavior: "always_invoice" };
  }
  return { kind, timing: "period_end", prorationBehavior: "none" };
}
