import "server-only";
import type Stripe from "stripe";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { callStripe } from "./call-stripe";
import { findCustomer } from "./find-customer";
import { resyncCustomer } from "./resync-customer";
import type { BillingDeps } from "./types";

const SESSION_ID = /^cs_[A-Za-z0-9_]{1,250}$/;

/** Whether `id` has the shape of a Checkout session id (anything else is not looked up). */
export function isCheckoutSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

export interface CheckoutSessionSync {
  status: Stripe.Checkout.Session.Status;
  /** True when the customer was re-synced (the session is complete). */
  synced: boolean;
}

/**
 * The checkout success page's sync: the one thing taken from the URL is the session id, and
 * the session must be the user's — created for them (`client_reference_id`, set by our server)
 * or for their customer — else `not_found`, exactly as for an id that does not exist, so ids
 * of other users' sessions reveal nothing. A complete session re-syncs the customer into
 * Postgres (throws when that fails: the page should say so), so the new plan shows before the
 * webhook arrives. Idempotent.
 */
export async function syncCheckoutSession(
  deps: BillingDeps & { userId: string; sessionId: string },
): Promise<CheckoutSessionSync> {
  const { db, stripe, userId, sessionId } = deps;
  const notFound = () => new AppError("not_found", "No such checkout session.");
  if (!isCheckoutSessionId(sessionId)) throw notFound();

  const session = await callStripe("checkout.sessions.retrieve", () =>
    stripe.checkout.sessions.retrieve(sessionId),
  );
  const customerId =
    typeof session.customer === "string" ? session.customer : (session.customer?.id ?? null);
  const own = await findCustomer(db, userId);
  const mine =
    session.client_reference_id === userId ||
    (own !== null && customerId !== null && own.stripeCustomerId === customerId);
  if (!mine) {
    // Info, not warn: anyone can put an id in the URL, and every request would log one.
    log.info({ userId, sessionId }, "checkout session of another user asked for");
    throw notFound();
  }
  const status = session.status ?? "open";
  if (status !== "complete" || !customerId) return { status, synced: false };
  await resyncCustomer(deps, customerId);
  return { status, synced: true };
}
