import "server-only";
import { and, asc, count, eq, inArray, isNotNull, lt, min, or } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "@/db";
import { customers, webhookEvents } from "@/db/schema";
import { errorReason } from "@/lib/error-reason";
import { AppError } from "@/lib/errors";
import { acquireLease, holdLease } from "@/lib/leases";
import { log } from "@/lib/log";
import { applyCustomerEvents } from "./apply-events";
import { claimsOwner } from "./claimed-workspace";
import { resyncCustomer } from "./resync-customer";

/**
 * An event still `received` this long after it arrived lost its job (an instance stopped between
 * the ledger write and the enqueue); a customer's job starts seconds after its first event.
 */
const STUCK_AFTER_MS = 2 * 60 * 1000;

/** The lease that lets one reconcile run at a time, on every instance and script together. */
export const RECONCILE_LEASE = "billing-reconcile";
/** Renewed every third of this while it runs; a reconcile that died frees it after this long. */
const RECONCILE_LEASE_TTL_MS = 60_000;

export interface ReconcileReport {
  customers: number;
  customerFailures: number;
  /** Ledger events applied now: failed ones, abandoned ones, and unlinked ones now linked. */
  replayed: number;
  stillFailing: number;
  /** Replayed events whose customer is still linked to no user. */
  stillUnlinked: number;
}

export interface RunningReconcile {
  /** Settles when the work is done; its report is also logged. */
  done: Promise<ReconcileReport>;
}

/**
 * Starts bringing the mirror back in line with Stripe, if no reconcile runs already: every
 * customer Tollgate knows (linked in `customers`, with or without `metadata.workspaceId` in Stripe,
 * or carrying `metadata.workspaceId` there) is re-fetched with all its invoices and written, then
 * every ledger event that failed, was abandoned mid-way, or waited for a customer link that
 * exists now is processed again.
 *
 * One at a time: the reconcile holds a lease (`leases`) while it runs; a second start while
 * it does throws a `conflict` AppError saying since when it runs. The lease is taken before
 * this returns; the work goes on in `done`. Webhooks and other writers may run meanwhile: writes
 * go through the same version guard (a later fetch always wins), and a replayed event is
 * claimed under its ledger row's lock, so it applies once.
 */
export async function startReconcile(db: Database, stripe: Stripe): Promise<RunningReconcile> {
  const claim = await acquireLease(db, RECONCILE_LEASE, RECONCILE_LEASE_TTL_MS);
  if (!claim.acquired) {
    throw new AppError(
      "conflict",
      `A reconcile is already running since ${claim.heldSince.toISOString()}; try again when it has finished.`,
    );
  }
  log.info({ lease: RECONCILE_LEASE }, "billing reconcile started");
  const done = holdLease(db, claim.lease, RECONCILE_LEASE_TTL_MS, (signal) =>
    reconcile(db, stripe, signal),
  ).catch((error: unknown) => {
    log.error({ reason: errorReason(error) }, "billing reconcile failed");
    throw error;
  });
  return { done };
}

/** `startReconcile`, awaited: the report once the work is done. */
export async function reconcileBilling(db: Database, stripe: Stripe): Promise<ReconcileReport> {
  return (await startReconcile(db, stripe)).done;
}

async function reconcile(
  db: Database,
  stripe: Stripe,
  signal: AbortSignal,
): Promise<ReconcileReport> {
  let resynced = 0;
  let customerFailures = 0;
  for (const stripeCustomerId of await customersToReconcile(db, stripe)) {
    signal.throwIfAborted();
    // One customer Stripe cannot answer for does not stop the others.
    try {
      // All its invoices, so every mirrored invoice is rewritten (its plan among the rest).
      await resyncCustomer({ db, stripe }, stripeCustomerId, { allInvoices: true });
      resynced++;
    } catch (error) {
      customerFailures++;
      log.warn({ stripeCustomerId, reason: errorReason(error) }, "customer not reconciled");
    }
  }
  let replayed = 0;
  let stillFailing = 0;
  let stillUnlinked = 0;
  for (const { stripeCustomerId, events } of await customersWithPendingEvents(db)) {
    signal.throwIfAborted();
    // A failure is recorded on the ledger rows and logged where it happens.
    const result = await applyCustomerEvents({ db, stripe }, stripeCustomerId).catch(() => null);
    if (!result) stillFailing += events;
    else if (result.unlinked) stillUnlinked += result.applied;
    else replayed += result.applied;
  }
  const report = { customers: resynced, customerFailures, replayed, stillFailing, stillUnlinked };
  log.info(report, "billing reconciled");
  return report;
}

/**
 * Every customer Tollgate knows: linked in `customers`, or carrying `metadata.workspaceId` in Stripe
 * (read through every page of Stripe's customer list).
 */
export async function customersToReconcile(db: Database, stripe: Stripe): Promise<string[]> {
  const known = new Set(
    (await db.select({ id: customers.stripeCustomerId }).from(customers)).map((row) => row.id),
  );
  for await (const customer of stripe.customers.list({ limit: 100 })) {
    if (claimsOwner(customer.metadata)) known.add(customer.id);
  }
  return [...known];
}

/**
 * Customers with ledger events to apply again: failed ones (fewer than `maxAttempts` tries so
 * far), ones still `received` long after they arrived (their job was lost), and `unlinked` ones
 * whose customer is linked now. With how many such events each has.
 */
export async function customersWithPendingEvents(
  db: Database,
  { maxAttempts = Number.POSITIVE_INFINITY }: { maxAttempts?: number } = {},
): Promise<{ stripeCustomerId: string; events: number }[]> {
  const stuckBefore = new Date(Date.now() - STUCK_AFTER_MS);
  const linked = db.select({ id: customers.stripeCustomerId }).from(customers);
  const rows = await db
    .select({ stripeCustomerId: webhookEvents.stripeCustomerId, events: count() })
    .from(webhookEvents)
    .where(
      and(
        isNotNull(webhookEvents.stripeCustomerId),
        or(
          and(
            eq(webhookEvents.status, "failed"),
            Number.isFinite(maxAttempts) ? lt(webhookEvents.attempts, maxAttempts) : undefined,
          ),
          and(eq(webhookEvents.status, "received"), lt(webhookEvents.receivedAt, stuckBefore)),
          and(
            eq(webhookEvents.status, "unlinked"),
            inArray(webhookEvents.stripeCustomerId, linked),
          ),
        ),
      ),
    )
    .groupBy(webhookEvents.stripeCustomerId)
    .orderBy(asc(min(webhookEvents.created)));
  return rows.flatMap((row) =>
    row.stripeCustomerId ? [{ stripeCustomerId: row.stripeCustomerId, events: row.events }] : [],
  );
}
