import "server-only";
import { errorReason } from "@/lib/error-reason";
import { log } from "@/lib/log";
import { callStripe } from "../stripe/call-stripe";
import type { BillingDeps } from "../stripe/client";
import { type AppliedSnapshot, applyCustomerSnapshot } from "./apply-snapshot";
import { fetchCustomerSnapshot } from "./snapshot";

/**
 * Mirrors one customer's subscriptions and invoices from Stripe into Postgres now: a fresh
 * snapshot, written in one transaction. What a page needs to show a change before its webhook
 * arrives, and what reconcile does for every customer. Safe to run at any time and
 * concurrently with the webhooks: `applyCustomerSnapshot` keeps whichever fetch is newest (see
 * its contract). Stripe's errors come back as AppErrors (`callStripe`).
 *
 * `bestEffort`: after a change Stripe has already accepted, a failed re-sync must not turn the
 * answer into an error (the user would retry a change that happened); it is logged instead,
 * null is returned, and the webhook brings the mirror up to date.
 *
 * `allInvoices`: every invoice of the customer is read and rewritten, not only the newest
 * (`fetchCustomerSnapshot`); what reconciliation asks for.
 */
export async function resyncCustomer(
  { db, stripe }: BillingDeps,
  stripeCustomerId: string,
  options: { bestEffort?: boolean; allInvoices?: boolean } = {},
): Promise<AppliedSnapshot | null> {
  try {
    const snapshot = await callStripe("customer.snapshot", () =>
      fetchCustomerSnapshot(db, stripe, stripeCustomerId, { allInvoices: options.allInvoices }),
    );
    return await db.transaction((tx) => applyCustomerSnapshot(tx, snapshot));
  } catch (error) {
    if (!options.bestEffort) throw error;
    log.warn(
      { stripeCustomerId, reason: errorReason(error) },
      "re-sync after a billing change failed",
    );
    return null;
  }
}
