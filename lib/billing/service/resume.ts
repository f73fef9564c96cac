import "server-only";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import {
  cancellationScheduled,
  clearCancelRequesterMetadata,
  recordedCancelRequester,
} from "../catalog/subscription";
import { resyncCustomer } from "../mirror/resync-customer";
import { callStripe } from "../stripe/call-stripe";
import type { BillingActor, BillingDeps } from "../stripe/client";
import {
  requireCurrentSubscription,
  type SubscriptionView,
  subscriptionView,
} from "./current-subscription";

/**
 * Undoes a scheduled cancellation of `workspaceId`'s subscription (at period end, or at a set time),
 * so it renews as before, and removes the record of who scheduled it. `actor` is who asks,
 * already authorised by the caller: a workspace's owner or admin may not undo a cancellation a
 * site admin scheduled (403: they are told to contact support); a site admin may resume any. `conflict` when it is not set to end. The
 * customer is re-synced into Postgres before returning (best effort).
 */
export async function resumeSubscription(
  deps: BillingDeps & { workspaceId: string; actor: BillingActor },
): Promise<{ subscription: SubscriptionView }> {
  const { stripe, workspaceId, actor } = deps;
  const isAdmin = actor.siteAdmin;
  const current = await requireCurrentSubscription(deps);
  const { subscription } = current;
  if (!cancellationScheduled(subscription)) {
    throw new AppError("conflict", "Your subscription is not set to cancel.");
  }
  if (recordedCancelRequester(subscription) === "admin" && !isAdmin) {
    throw new AppError(
      "forbidden",
      "Support scheduled this cancellation, so only support can undo it. Contact support to keep the plan.",
    );
  }
  const updated = await callStripe("subscriptions.update", () =>
    stripe.subscriptions.update(subscription.id, {
      ...(subscription.cancel_at_period_end ? { cancel_at_period_end: false } : { cancel_at: "" }),
      metadata: clearCancelRequesterMetadata(),
    }),
  );
  log.info(
    { workspaceId, actorId: actor.id, stripeSubscriptionId: subscription.id },
    "subscription resumed",
  );
  await resyncCustomer(deps, current.row.stripeCustomerId, { bestEffort: true });
  return { subscription: subscriptionView(updated) };
}
