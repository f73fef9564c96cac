import "server-only";
import { asc, eq } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "@/db";
import { customers, webhookEvents } from "@/db/schema";
import { log } from "@/lib/log";
import { applyCustomerSnapshot, fetchCustomerSnapshot } from "./sync";
import { processStripeEvent } from "./webhooks/process";

export interface ReconcileReport {
  customers: number;
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
  for (const stripeCustomerId of known) {
    const snapshot = await fetchCustomerSnapshot(stripe, stripeCustomerId);
    await db.transaction((tx) => applyCustomerSnapshot(tx, snapshot));
    synced++;
  }

  const failed = await db
    .select({ id: webhookEvents.id, payload: webhookEvents.payload })
    .from(webhookEvents)
    .where(eq(webhookEvents.status, "failed"))
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
  const report = { customers: synced, replayed, stillFailing };
  log.info(report, "billing reconciled");
  return report;
}
