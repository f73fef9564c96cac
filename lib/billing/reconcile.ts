import "server-only";
import { and, asc, eq, lt, or } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "@/db";
import { customers, webhookEvents } from "@/db/schema";
import { log } from "@/lib/log";
import { applyCustomerSnapshot, fetchCustomerSnapshot } from "./sync";
import { processStripeEvent } from "./webhooks/process";

/** An event still `received` this long after it arrived was abandoned mid-way. */
const STUCK_AFTER_MS = 10 * 60 * 1000;

export interface ReconcileReport {
  customers: number;
  customerFailures: number;
  replayed: number;
  stillFailing: number;
}

/**
 * Brings the mirror back in line with Stripe: every customer Tollgate knows (linked in
 * `customers`, or carrying `metadata.userId` in Stripe) is re-fetched and written, and every
 * ledger event that failed is processed again.
 *
 * Safe at any time and on several instances at once: writes go through the same version guard
 * as webhooks (a later fetch always wins), and a replayed event is claimed under the ledger
 * row's lock, so it applies once however many instances replay it.
 */
export async function reconcileBilling(db: Database, stripe: Stripe): Promise<ReconcileReport> {
  const known = new Set(
    (await db.select({ id: customers.stripeCustomerId }).from(customers)).map((row) => row.id),
  );
  for await (const customer of stripe.customers.list({ limit: 100 })) {
    if (customer.metadata.userId) known.add(customer.id);
  }
  let synced = 0;
  let customerFailures = 0;
  for (const stripeCustomerId of known) {
    // One customer Stripe cannot answer for does not stop the others.
    try {
      const snapshot = await fetchCustomerSnapshot(db, stripe, stripeCustomerId);
      await db.transaction((tx) => applyCustomerSnapshot(tx, snapshot));
      synced++;
    } catch (error) {
      customerFailures++;
      log.warn({ stripeCustomerId, reason: String(error) }, "customer not reconciled");
    }
  }

  // Failed events, and events left `received` by an instance that stopped mid-way.
  const stuckBefore = new Date(Date.now() - STUCK_AFTER_MS);
  const failed = await db
    .select({ id: webhookEvents.id, payload: webhookEvents.payload })
    .from(webhookEvents)
    .where(
      or(
        eq(webhookEvents.status, "failed"),
        and(eq(webhookEvents.status, "received"), lt(webhookEvents.receivedAt, stuckBefore)),
      ),
    )
    .orderBy(asc(webhookEvents.created));
  let replayed = 0;
  let stillFailing = 0;
  for (const row of failed) {
    try {
      await processStripeEvent(db, stripe, row.payload as Stripe.Event);
      replayed++;
    } catch {
      stillFailing++;
    }
  }
  const report = { customers: synced, customerFailures, replayed, stillFailing };
  log.info(report, "billing reconciled");
  return report;
}
