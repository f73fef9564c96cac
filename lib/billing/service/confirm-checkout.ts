import "server-only";
import { and, eq, notInArray } from "drizzle-orm";
import type Stripe from "stripe";
import { ENDED_SUBSCRIPTION_STATUSES, subscriptions } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { hitRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { resyncCustomer } from "../mirror/resync-customer";
import { callStripe } from "../stripe/call-stripe";
import type { BillingDeps } from "../stripe/client";
import { findCustomer } from "./customer";

/**
 * Confirming a checkout when the person comes back from Stripe's page (`?session_id=` on
 * /w/<slug>/billing): the session is checked to be the workspace's and, once paid, its customer is
 * re-synced so the new plan shows before the webhook arrives.
 */

const SESSION_ID = /^cs_[A-Za-z0-9_]{1,250}$/;

/** Whether `id` has the shape of a Checkout session id (anything else is not looked up). */
export function isCheckoutSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

export interface CheckoutConfirmation {
  status: Stripe.Checkout.Session.Status;
  /** True when the customer was re-synced (the session is complete). */
  synced: boolean;
}

/**
 * Checks the session Checkout came back with: the one thing taken from the URL is the session id, and
 * the session must be the user's — created for them (`client_reference_id`, set by our server)
 * or for their customer — else `not_found`, exactly as for an id that does not exist, so ids
 * of other users' sessions reveal nothing. A complete session re-syncs the customer into
 * Postgres (throws when that fails: the page should say so), so the new plan shows before the
 * webhook arrives. Idempotent.
 */
export async function confirmCheckoutSession(
  deps: BillingDeps & { workspaceId: string; sessionId: string },
): Promise<CheckoutConfirmation> {
  const { db, stripe, workspaceId, sessionId } = deps;
  const notFound = () => new AppError("not_found", "No such checkout session.");
  if (!isCheckoutSessionId(sessionId)) throw notFound();

  const session = await callStripe("checkout.sessions.retrieve", () =>
    stripe.checkout.sessions.retrieve(sessionId),
  );
  const customerId =
    typeof session.customer === "string" ? session.customer : (session.customer?.id ?? null);
  const own = await findCustomer(db, workspaceId);
  const mine =
    session.client_reference_id === workspaceId ||
    (own !== null && customerId !== null && own.stripeCustomerId === customerId);
  if (!mine) {
    // Info, not warn: anyone can put an id in the URL, and every request would log one.
    log.info({ workspaceId, sessionId }, "checkout session of another user asked for");
    throw notFound();
  }
  const status = session.status ?? "open";
  if (status !== "complete" || !customerId) return { status, synced: false };
  await resyncCustomer(deps, customerId);
  return { status, synced: true };
}

/**
 * What the page says about `?session_id=` (Checkout's success URL):
 * - `confirmed`: the mirror shows the user's subscription (already, or after confirming now);
 * - `open`: the session is the user's but not paid yet;
 * - `not_found`: not a Checkout session id, or not the user's session;
 * - `pending`: it could not be checked now (past the rate limit, or Stripe failed); the
 *   webhook brings the plan.
 */
export type CheckoutReturn = "confirmed" | "open" | "not_found" | "pending";

/**
 * `confirmCheckoutSession` for the billing page as it renders: at most once, and under the
 * user's billing rate limit (RATE_LIMITS.billing, shared with the billing actions), since a
 * render is a GET anyone can repeat. When the mirror already shows a subscription of the user
 * that has not ended (the first return's confirmation or the webhook wrote it), Stripe is not
 * asked, whatever the id. Ids that cannot be Checkout sessions are refused without asking
 * either. Nothing from the session is shown but whether it is complete.
 */
export async function confirmCheckoutReturn(
  deps: BillingDeps & { workspaceId: string; sessionId: string },
): Promise<CheckoutReturn> {
  const { db, workspaceId } = deps;
  if (!isCheckoutSessionId(deps.sessionId)) return "not_found";
  const [mirrored] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.workspaceId, workspaceId),
        notInArray(subscriptions.status, [...ENDED_SUBSCRIPTION_STATUSES]),
      ),
    )
    .limit(1);
  if (mirrored) return "confirmed";

  const limit = await hitRateLimit(db, RATE_LIMITS.billing, workspaceId);
  if (!limit.allowed) {
    log.debug({ workspaceId }, "checkout return not confirmed: billing rate limit reached");
    return "pending";
  }
  try {
    const { status } = await confirmCheckoutSession(deps);
    return status === "complete" ? "confirmed" : "open";
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return "not_found";
    log.warn(
      { err: error, workspaceId },
      "checkout confirmation failed; the webhook will catch up",
    );
    return "pending";
  }
}
