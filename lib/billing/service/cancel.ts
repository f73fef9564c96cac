import "server-only";
import { z } from "zod";
import type { UserRole } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { cancelRequesterMetadata } from "../catalog/subscription";
import { resyncCustomer } from "../mirror/resync-customer";
import { callStripe } from "../stripe/call-stripe";
import type { BillingDeps } from "../stripe/client";
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
 * Cancels `userId`'s subscription at the end of the current period (the plan is kept until
 * then, and `resumeSubscription` can undo it), or — admins only — at once. `actor` is who asks:
 * a user may only cancel their own, and never immediately (403). Already set to end → 409.
 * A scheduled cancellation records who asked (`tollgate_cancel_requested_by` in the
 * subscription's metadata: `admin` when an admin acts for another user, else `user`); only an
 * admin can undo an admin's (`resumeSubscription`). The customer is re-synced into Postgres
 * before returning (best effort).
 */
export async function cancelSubscription(
  deps: BillingDeps & {
    userId: string;
    actor: { id: string; role: UserRole };
    immediately?: boolean;
  },
): Promise<{ subscription: SubscriptionView }> {
  const { stripe, userId, actor, immediately = false } = deps;
  const isAdmin = actor.role === "admin";
  if (actor.id !== userId && !isAdmin) {
    throw new AppError("forbidden", "You can only cancel your own subscription.");
  }
  if (immediately && !isAdmin) {
    throw new AppError(
      "forbidden",
      "Only an admin can end a subscription at once; yours can be canceled at the end of the period.",
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
    const requestedBy = isAdmin && actor.id !== userId ? "admin" : "user";
    updated = await callStripe("subscriptions.update", () =>
      stripe.subscriptions.update(subscription.id, {
        cancel_at_period_end: true,
        metadata: cancelRequesterMetadata(requestedBy),
      }),
    );
  }
  log.info(
    { userId, actorId: actor.id, stripeSubscriptionId: subscription.id, immediately },
    "subscription canceled",
  );
  await resyncCustomer(deps, current.row.stripeCustomerId, { bestEffort: true });
  return { subscription: subscriptionView(updated) };
}
