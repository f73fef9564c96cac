import "server-only";
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "@/db";
import { webhookEvents } from "@/db/schema";
import { errorReason } from "@/lib/error-reason";
import { log } from "@/lib/log";
import type { BillingDeps } from "../stripe/client";
import { applyCustomerSnapshot } from "./apply-snapshot";
import { linkCheckoutCustomer } from "./link-checkout-customer";
import { fetchCustomerSnapshot } from "./snapshot";

/** Ledger states an event waits in until its customer's job applies it. */
export const PENDING_EVENT_STATUSES = ["received", "failed", "unlinked"] as const;

export interface AppliedEvents {
  /** Events marked processed (or unlinked) by this run; 0: nothing was pending, no fetch. */
  applied: number;
  /** The customer is linked to no user: the events stay `unlinked`, retryable. */
  unlinked: boolean;
}

/**
 * Applies every event of one Stripe customer that waits on the ledger, with one fetch: the
 * customer's state is read from Stripe once (mirror/snapshot.ts) and, in one transaction, the
 * events' own effects (checkout.session.completed links the customer first) and the snapshot
 * are written and each of those events is marked processed — or `unlinked` when the customer
 * is linked to no user. The events are chosen before the fetch starts, so the fetch is at
 * least as new as each of them: a burst of one customer's events costs one fetch, and an event
 * that arrives during the fetch waits for the next job. Runs as the customer's job
 * (lib/jobs); safe to run concurrently with itself and with every other writer (rows are
 * locked; the snapshot's version guard keeps the newest fetch), so the events apply once
 * whatever the number of deliveries, jobs or their order.
 *
 * On a failure (Stripe down or rate-limited, the database down) nothing of it is written; the
 * events are marked failed with the reason, when that can be written, and the error is thrown,
 * so the job is retried with backoff.
 */
export async function applyCustomerEvents(
  { db, stripe }: BillingDeps,
  stripeCustomerId: string,
): Promise<AppliedEvents> {
  const pending = await db
    .select({ id: webhookEvents.id, type: webhookEvents.type, objectId: webhookEvents.objectId })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.stripeCustomerId, stripeCustomerId),
        inArray(webhookEvents.status, [...PENDING_EVENT_STATUSES]),
      ),
    )
    .orderBy(asc(webhookEvents.created));
  if (pending.length === 0) return { applied: 0, unlinked: false };
  const ids = pending.map((event) => event.id);
  const started = Date.now();
  try {
    const alsoInvoices = pending
      .filter((event) => event.type.startsWith("invoice.") && event.objectId)
      .map((event) => event.objectId as string);
    const snapshot = await fetchCustomerSnapshot(db, stripe, stripeCustomerId, { alsoInvoices });
    const result = await db.transaction(async (tx) => {
      const locked = await tx
        .select({ id: webhookEvents.id, type: webhookEvents.type, payload: webhookEvents.payload })
        .from(webhookEvents)
        .where(and(inArray(webhookEvents.id, ids), ne(webhookEvents.status, "processed")))
        .orderBy(asc(webhookEvents.created))
        .for("update");
      if (locked.length === 0) return { applied: 0, unlinked: false };
      for (const event of locked) {
        if (event.type === "checkout.session.completed") {
          await linkCheckoutCustomer(tx, event.payload as Stripe.CheckoutSessionCompletedEvent);
        }
      }
      const applied = await applyCustomerSnapshot(tx, snapshot);
      const status = applied.workspaceId === null ? "unlinked" : "processed";
      await tx
        .update(webhookEvents)
        .set({
          status,
          processedAt: status === "processed" ? new Date() : null,
          attempts: sql`${webhookEvents.attempts} + 1`,
          lastError: null,
        })
        .where(
          inArray(
            webhookEvents.id,
            locked.map((event) => event.id),
          ),
        );
      return { applied: locked.length, unlinked: status === "unlinked" };
    });
    log.info(
      {
        stripeCustomerId,
        events: result.applied,
        unlinked: result.unlinked,
        durationMs: Date.now() - started,
      },
      "stripe events applied",
    );
    return result;
  } catch (error) {
    const reason = errorReason(error);
    const recorded = await recordFailure(db, ids, reason);
    log.error(
      { stripeCustomerId, events: ids.length, recorded, durationMs: Date.now() - started, reason },
      "stripe events could not be applied",
    );
    throw error;
  }
}

/**
 * Marks the events that are still pending failed with `reason`; false when that could not be
 * written either (the database is down). The ledger shows them waiting either way.
 */
async function recordFailure(db: Database, ids: string[], reason: string): Promise<boolean> {
  try {
    await db
      .update(webhookEvents)
      .set({ status: "failed", attempts: sql`${webhookEvents.attempts} + 1`, lastError: reason })
      .where(
        and(
          inArray(webhookEvents.id, ids),
          inArray(webhookEvents.status, [...PENDING_EVENT_STATUSES]),
        ),
      );
    return true;
  } catch {
    return false;
  }
}
