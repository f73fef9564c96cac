import "server-only";
import { errorReason } from "@/lib/error-reason";
import { log } from "@/lib/log";
import { applyCustomerSnapshot, fetchCustomerSnapshot } from "../sync";
import { callStripe } from "./call-stripe";
import type { BillingDeps } from "./types";

/**
 * Mirrors a customer's subscriptions and invoices from Stripe into Postgres now, so a page
 * shows a change before its webhook arrives. Safe to run at any time and concurrently with the
 * webhooks: `applyCustomerSnapshot` keeps whichever fetch is newest (see its contract).
 *
 * `bestEffort`: after a change Stripe has already accepted, a failed re-sync must not turn the
 * answer into an error (the user would retry a change that happened); it is logged instead and
 * the webhook brings the mirror up to date.
 */
export async function resyncCustomer(
  { db, stripe }: BillingDeps,
  stripeCustomerId: string,
  options: { bestEffort?: boolean } = {},
): Promise<void> {
  try {
    const snapshot = await callStripe("customer.snapshot", () =>
      fetchCustomerSnapshot(db, stripe, stripeCustomerId),
    );
    await db.transaction(async (tx) => {
      await applyCustomerSnapshot(tx, snapshot);
    });
  } catch (error) {
    if (!options.bestEffort) throw error;
    log.warn(
      { stripeCustomerId, reason: errorReason(error) },
      "re-sync after a billing change failed",
    );
  }
}
