import "server-only";
import type Stripe from "stripe";
import { planOfSubscription } from "../sync";

/** What the billing routes answer about a subscription: no Stripe internals, dates as ISO. */
export interface SubscriptionView {
  id: string;
  plan: string;
  period: string | null;
  status: Stripe.Subscription.Status;
  cancelAtPeriodEnd: boolean;
  cancelAt: string | null;
  currentPeriodEnd: string | null;
  trialEnd: string | null;
}

const iso = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? null : new Date(seconds * 1000).toISOString();

export function subscriptionView(subscription: Stripe.Subscription): SubscriptionView {
  const plan = planOfSubscription(subscription);
  return {
    id: subscription.id,
    plan: plan.tier,
    period: plan.period,
    status: subscription.status,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    cancelAt: iso(subscription.cancel_at),
    currentPeriodEnd: iso(plan.item?.current_period_end),
    trialEnd: iso(subscription.trial_end),
  };
}
