import "server-only";
import { and, eq, notInArray } from "drizzle-orm";
import { ENDED_SUBSCRIPTION_STATUSES, subscriptions } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { enforceRateLimit, hitRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import type { BillingPeriod, PlanTier } from "../plans";
import { type PlanChangePreview, previewSubscriptionChange } from "./preview-subscription-change";
import { isCheckoutSessionId, syncCheckoutSession } from "./sync-checkout-session";
import type { BillingDeps } from "./types";

/**
 * The Stripe calls /account/billing makes while it renders. A render is a GET anyone can
 * repeat (a reload, a link), so each call is charged to the user's billing rate limit
 * (RATE_LIMITS.billing, shared with the billing actions): one account cannot spend the Stripe
 * rate limit every account shares.
 */

/**
 * What the page says about `?session_id=` (Checkout's success URL):
 * - `confirmed`: the mirror shows the user's subscription (already, or after the sync now);
 * - `open`: the session is the user's but not paid yet;
 * - `not_found`: not a Checkout session id, or not the user's session;
 * - `pending`: it could not be checked now (past the rate limit, or Stripe failed); the
 *   webhook brings the plan.
 */
export type CheckoutReturn = "confirmed" | "open" | "not_found" | "pending";

/** A row in any other status is a subscription a checkout's sync (or webhook) already wrote. */

/**
 * Syncs the session Checkout came back with, at most once: when the mirror already shows a
 * subscription of the user that has not ended (the first return's sync or the webhook wrote
 * it), Stripe is not asked, whatever the id. Ids that cannot be Checkout sessions are refused
 * without asking either. Nothing from the session is shown but whether it is complete.
 */
export async function confirmCheckoutReturn(
  deps: BillingDeps & { userId: string; sessionId: string },
): Promise<CheckoutReturn> {
  const { db, userId } = deps;
  if (!isCheckoutSessionId(deps.sessionId)) return "not_found";
  const [mirrored] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.userId, userId),
        notInArray(subscriptions.status, [...ENDED_SUBSCRIPTION_STATUSES]),
      ),
    )
    .limit(1);
  if (mirrored) return "confirmed";

  const limit = await hitRateLimit(db, RATE_LIMITS.billing, userId);
  if (!limit.allowed) {
    log.debug({ userId }, "checkout return not synced: billing rate limit reached");
    return "pending";
  }
  try {
    const { status } = await syncCheckoutSession(deps);
    return status === "complete" ? "confirmed" : "open";
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return "not_found";
    log.warn({ err: error, userId }, "checkout confirmation failed; the webhook will catch up");
    return "pending";
  }
}

/** `previewSubscriptionChange` for the page's `?change=`, under the billing rate limit. */
export async function previewChangeForPage(
  deps: BillingDeps & { userId: string; tier: PlanTier; period: BillingPeriod },
): Promise<PlanChangePreview> {
  await enforceRateLimit(deps.db, RATE_LIMITS.billing, deps.userId);
  return previewSubscriptionChange(deps);
}
