import "server-only";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { callStripe } from "./call-stripe";
import { requireCurrentSubscription } from "./require-current-subscription";
import { resyncCustomer } from "./resync-customer";
import { type SubscriptionView, subscriptionView } from "./subscription-view";
import type { BillingDeps } from "./types";

/**
 * Undoes a scheduled cancellation of the user's own subscription (at period end, or at a set
 * time), so it renews as before. `conflict` when it is not set to end. The customer is
 * re-synced into Postgres before returning (best effort).
 */
export async function resumeSubscription(
  deps: BillingDeps & { userId: string },
): Promise<{ subscription: SubscriptionView }> {
  const { stripe, userId } = deps;
  const current = await requireCurrentSubscription(deps);
  const { subscription } = current;
  if (!subscription.cancel_at_period_end && subscription.cancel_at === null) {
    throw new AppError("conflict", "Your subscription is not set to cancel.");
  }
  const updated = await callStripe("subscriptions.update", () =>
    stripe.subscriptions.update(
      subscription.id,
      subscription.cancel_at_period_end ? { cancel_at_period_end: false } : { cancel_at: "" },
    ),
  );
  log.info({ userId, stripeSubscriptionId: subscription.id }, "subscription resumed");
  await resyncCustomer(deps, current.row.stripeCustomerId, { bestEffort: true });
  return { subscription: subscriptionView(updated) };
}
