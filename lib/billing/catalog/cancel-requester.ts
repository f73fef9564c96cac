import type Stripe from "stripe";
import { CANCEL_REQUESTERS, type CancelRequester } from "@/db/schema";

/**
 * Who scheduled a subscription's cancellation through Tollgate: the user, or an admin for
 * them. Written into the subscription's own metadata with the cancellation (and removed when
 * it is undone), so the webhook re-sync and reconciliation read it back like every other field
 * (`subscriptions.cancel_requested_by`). A user may not undo an admin's cancellation.
 */
export const CANCEL_REQUESTED_BY_KEY = "tollgate_cancel_requested_by";

function isCancelRequester(value: string | undefined): value is CancelRequester {
  return (CANCEL_REQUESTERS as readonly string[]).includes(value ?? "");
}

/** The requester recorded on the subscription, whether or not a cancellation is pending. */
export function recordedCancelRequester(
  subscription: Pick<Stripe.Subscription, "metadata">,
): CancelRequester | null {
  const value = subscription.metadata[CANCEL_REQUESTED_BY_KEY];
  return isCancelRequester(value) ? value : null;
}

/** True while the subscription is set to end (at the period's end or at a set time). */
export function cancellationScheduled(
  subscription: Pick<Stripe.Subscription, "cancel_at_period_end" | "cancel_at">,
): boolean {
  return subscription.cancel_at_period_end || subscription.cancel_at !== null;
}

/**
 * Who asked for the subscription's cancellation, for the mirror: the recorded requester while a
 * cancellation is pending or after it ended the subscription; null when nothing is scheduled,
 * or when it was scheduled outside Tollgate (the portal, the Dashboard).
 */
export function cancelRequesterOf(
  subscription: Pick<
    Stripe.Subscription,
    "metadata" | "cancel_at_period_end" | "cancel_at" | "canceled_at"
  >,
): CancelRequester | null {
  const ended = subscription.canceled_at !== null;
  return cancellationScheduled(subscription) || ended
    ? recordedCancelRequester(subscription)
    : null;
}

/** Metadata recording who scheduled the cancellation. */
export function cancelRequesterMetadata(by: CancelRequester): Stripe.MetadataParam {
  return { [CANCEL_REQUESTED_BY_KEY]: by };
}

/** Metadata that removes the record (Stripe deletes keys set to ""). */
export function clearCancelRequesterMetadata(): Stripe.MetadataParam {
  return { [CANCEL_REQUESTED_BY_KEY]: "" };
}
