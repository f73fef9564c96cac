import "server-only";
import type { UserRole } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import {
  cancellationScheduled,
  clearCancelRequesterMetadata,
  recordedCancelRequester,
} from "../catalog/subscription";
import { resyncCustomer } from "../mirror/resync-customer";
import { callStripe } from "../stripe/call-stripe";
import type { BillingDeps } from "../stripe/client";
import {
  requireCurrentSubscription,
  type SubscriptionView,
  subscriptionView,
} from "./current-subscription";

/**
 * Undoes a scheduled cancellation of `userId`'s subscription (at period end, or at a set time),
 * so it renews as before, and removes the record of who scheduled it. `actor` is who asks: a
 * user may only resume their own, and not a cancellation an admin scheduled (403: they are
 * told to contact support); an admin may resume any. `conflict` when it is not set to end. The
 * customer is re-synced into Postgres before returning (best effort).
 */
export async function resumeSubscription(
  deps: BillingDeps & { userId: string; actor: { id: string; role: UserRole } },
): Promise<{ subscription: SubscriptionView }> {
  const { stripe, userId, actor } = deps;
  const isAdmin = actor.role === "admin";
  if (actor.id !== userId && !isAdmin) {
    throw new AppError("forbidden", "You can only resume your own subscription.");
  }
  const current = await requireCurrentSubscription(deps);
  const { subscription } = current;
  if (!cancellationScheduled(subscription)) {
    throw new AppError("conflict", "Your subscription is not set to cancel.");
  }
  if (recordedCancelRequester(subscription) === "admin" && !isAdmin) {
    throw new AppError(
      "forbidden",
      "An admin scheduled this cancellation, so only an admin can undo it. Contact support to keep your plan.",
    );
  }
  const updated = await callStripe("subscriptions.update", () =>
    stripe.subscriptions.update(subscription.id, {
      ...(subscription.cancel_at_period_end ? { cancel_at_period_end: false } : { cancel_at: "" }),
      metadata: clearCancelRequesterMetadata(),
    }),
  );
  log.info(
    { userId, actorId: actor.id, stripeSubscriptionId: subscription.id },
    "subscription resumed",
  );
  await resyncCustomer(deps, current.row.stripeCustomerId, { bestEffort: true });
  return { subscription: subscriptionView(updated) };
}
