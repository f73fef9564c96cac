import type { BillingPeriod, Plan, PlanTier } from "@/lib/billing/catalog/plans";

/** Who is looking at the pricing page: signed out, or a user on a plan (Free included). */
export type PricingViewer =
  | { signedIn: false }
  | { signedIn: true; tier: PlanTier; period: BillingPeriod | null; paid: boolean };

export interface PlanAction {
  /** Null for the plan and period the viewer is on: the card says so instead of linking. */
  href: string | null;
  label: string;
}

const CHECKOUT = "/account/checkout";

const checkoutPath = (tier: PlanTier, period: BillingPeriod) =>
  `${CHECKOUT}?${new URLSearchParams({ plan: tier, period })}`;

/** Whether `href` starts Checkout: a route that redirects to Stripe, not a page of the app. */
export function startsCheckout(href: string): boolean {
  return href.startsWith(`${CHECKOUT}?`);
}

/**
 * Pure: where a plan card's button leads for one billing period.
 * - Signed out: sign up (paid plans come straight back into checkout after it).
 * - On Free: checkout for a paid plan.
 * - Paying: another paid plan or period → the change confirmation on the billing page (with
 *   the prorated amount); Free → the cancel confirmation.
 */
export function planAction(
  plan: Plan,
  period: BillingPeriod,
  viewer: PricingViewer,
  trialDays: number,
): PlanAction {
  const paidPlan = plan.tier !== "free";
  if (!viewer.signedIn) {
    if (!paidPlan) return { href: "/sign-up", label: "Get started" };
    return {
      href: `/sign-up?${new URLSearchParams({ callbackUrl: checkoutPath(plan.tier, period) })}`,
      label: trialDays > 0 ? `Start ${trialDays}-day free trial` : `Choose ${plan.name}`,
    };
  }
  const onThis =
    viewer.tier === plan.tier && (!paidPlan || (viewer.period ?? "monthly") === period);
  if (onThis) return { href: null, label: "Your current plan" };
  if (!viewer.paid) {
    if (!paidPlan) return { href: "/account/billing", label: "Go to billing" };
    return { href: checkoutPath(plan.tier, period), label: `Choose ${plan.name}` };
  }
  if (!paidPlan) return { href: "/account/billing?confirm=cancel", label: "Switch to Free" };
  return {
    href: `/account/billing?${new URLSearchParams({ change: plan.tier, period })}`,
    label: `Switch to ${plan.name}`,
  };
}
