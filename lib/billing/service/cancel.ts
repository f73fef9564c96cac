import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { cancelRequesterMetadata } from "../catalog/subscription";
import { resyncCustomer } from "../mirror/resync-customer";
import { callStripe } from "../stripe/call-stripe";
import type { BillingActor, BillingDeps } from "../stripe/client";
import {
  requireCurrentSubscription,
  type SubscriptionView,
  subscriptionView,
} from "./current-subscription";

/** JSON sends a boolean; a form sends a string (a checked checkbox sends "on"). */
const flag = z.union([
  z.boolean(),
  z.enum(["true", "on", "false"]).transform((value) => value !== "false"),
]);

/** A cancellation request: `immediately` is for admins only. */
export const cancelSubscriptionSchema = z.object({
  immediately: flag.optional(),
});

/**
 * Cancels `workspaceId`'s subscription at the end of the current period (the plan is kept until
 * then, and `resumeSubscription` can undo it), or — site admins only — at once. `actor` is who
 * asks, already authorised by the caller: a workspace's owner or admin (`siteAdmin: false`,
 * never immediately: 403), or a site admin acting from the admin area. Already set to end → 409.
 * A scheduled cancellation records who asked (`tollgate_cancel_requested_by` in the
 * subscription's metadata: `admin` for a site admin, else `user`); only a site admin can undo
 * an admin's (`resumeSubscription`). The customer is re-synced into Postgres before returning
 * (best effort).
 */
export async function cancelSubscription(
  deps: BillingDeps & {
    workspaceId: string;
    actor: BillingActor;
    immediately?: boolean;
  },
): Promise<{ subscription: SubscriptionView }> {
  const { stripe, workspaceId, actor, immediately = false } = deps;
  const isAdmin = actor.siteAdmin;
  if (immediately && !isAdmin) {
    throw new AppError(
      "forbidden",
      "Only support can end a subscription at once; yours can be canceled at the end of the period.",
    );
  }
  const current = await requireCurrentSubscription(deps);
  const { subscription } = current;
  let updated: typeof subscription;
  if (immediately) {
    updated = await callStripe("subscriptions.cancel", () =>
      stripe.subscriptions.cancel(subscription.id),
    );
  } else {
    if (subscription.cancel_at_period_end || subscription.cancel_at !== null) {
      throw new AppError("conflict", "Your subscription is already set to end.", {
        details: { cancelAt: subscription.cancel_at },
      });
    }
    const requestedBy = isAdmin ? "admin" : "user";
    updated = await callStripe("subscriptions.update", () =>
      stripe.subscriptions.update(subscription.id, {
        cancel_at_period_end: true,
        metadata: cancelRequesterMetadata(requestedBy),
      }),
    );
  }
  log.info(
    { workspaceId, actorId: actor.id, stripeSubscriptionId: subscription.id, immediately },
    "subscription canceled",
  );
  await resyncCustomer(deps, current.row.stripeCustomerId, { bestEffort: true });
  return { subscription: subscriptionView(updated) };
}
