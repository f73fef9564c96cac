import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "@/db";
import { webhookEvents } from "@/db/schema";
import { errorReason } from "@/lib/error-reason";
import { AppError } from "@/lib/errors";
import { fromUnixSeconds } from "@/lib/format/date";
import { log } from "@/lib/log";
import { applyCustomerSnapshot } from "./apply-snapshot";
import { linkCheckoutCustomer } from "./link-checkout-customer";
import { type CustomerSnapshot, fetchCustomerSnapshot } from "./snapshot";
import { isHandledWebhookEvent } from "./webhook-events";

/**
 * `unlinked`: applied, but the event's customer is linked to no user, so nothing of it could be
 * mirrored; it stays retryable (a redelivery, Replay, or reconcile once the link exists).
 */
export type ProcessOutcome = "processed" | "duplicate" | "ignored" | "unlinked";

function customerIdOf(event: Stripe.Event): string | null {
  const object = event.data.object as { customer?: unknown; object?: string; id?: string };
  if (object.object === "customer") return object.id ?? null;
  const customer = object.customer;
  if (typeof customer === "string") return customer;
  if (customer && typeof customer === "object" && "id" in customer) return String(customer.id);
  return null;
}

/**
 * Applies one verified Stripe event exactly once.
 *
 * 1. The event is written to the ledger first (`webhook_events`, keyed by Stripe's id), so it is
 *    on record whatever happens next; a type Tollgate does not handle (webhook-events.ts) is
 *    marked ignored.
 * 2. An event already processed (or ignored) is a duplicate: no effect.
 * 3. The customer's state is fetched from Stripe (outside any transaction), then in one
 *    transaction the ledger row is locked (`FOR UPDATE`: concurrent deliveries of the same
 *    event wait here, then see it processed), the event's own effect (if it has one) and the
 *    snapshot are written, and the row is marked processed — or `unlinked` when the customer
 *    is linked to no user, so the event stays retryable until the link exists.
 * 4. Any failure (Stripe down or slow, the database down) rolls the effects back, marks the row
 *    failed with the error's own message, and throws an `internal` AppError, so the route
 *    answers 500 and Stripe redelivers; the redelivery applies once.
 *
 * Logs the event's id, type, outcome and timing, and on failure the root cause's message; never
 * the payload, nor an error object (a database error carries its query's parameters).
 */
export async function processStripeEvent(
  db: Database,
  stripe: Stripe,
  event: Stripe.Event,
): Promise<ProcessOutcome> {
  const started = Date.now();
  const about = { eventId: event.id, type: event.type };
  try {
    const outcome = await applyOnce(db, stripe, event);
    log.info({ ...about, outcome, durationMs: Date.now() - started }, "stripe webhook");
    return outcome;
  } catch (error) {
    const reason = errorReason(error);
    const recorded = await recordFailure(db, event.id, reason);
    log.error(
      { ...about, outcome: "failed", recorded, durationMs: Date.now() - started, reason },
      "stripe webhook failed",
    );
    throw new AppError("internal", "The event could not be applied; Stripe will deliver it again.");
  }
}

async function applyOnce(
  db: Database,
  stripe: Stripe,
  event: Stripe.Event,
): Promise<ProcessOutcome> {
  const customerId = customerIdOf(event);
  const object = event.data.object as { id?: string };
  await db
    .insert(webhookEvents)
    .values({
      id: event.id,
      type: event.type,
      apiVersion: event.api_version,
      livemode: event.livemode,
      created: fromUnixSeconds(event.created),
      stripeCustomerId: customerId,
      objectId: object.id ?? null,
      payload: event,
    })
    .onConflictDoNothing();

  if (!isHandledWebhookEvent(event.type)) {
    const ignored = await db
      .update(webhookEvents)
      .set({ status: "ignored", processedAt: new Date() })
      .where(and(eq(webhookEvents.id, event.id), eq(webhookEvents.status, "received")))
      .returning({ id: webhookEvents.id });
    return ignored.length > 0 ? "ignored" : "duplicate";
  }

  const [current] = await db
    .select({ status: webhookEvents.status })
    .from(webhookEvents)
    .where(eq(webhookEvents.id, event.id));
  if (current?.status === "processed" || current?.status === "ignored") return "duplicate";

  const snapshot: CustomerSnapshot | null = customerId
    ? await fetchCustomerSnapshot(db, stripe, customerId, {
        alsoInvoice: event.type.startsWith("invoice.") ? (object.id ?? null) : null,
      })
    : null;
  return db.transaction(async (tx) => {
    const [locked] = await tx
      .select({ status: webhookEvents.status })
      .from(webhookEvents)
      .where(eq(webhookEvents.id, event.id))
      .for("update");
    if (locked?.status === "processed") return "duplicate" as const;
    if (event.type === "checkout.session.completed") await linkCheckoutCustomer(tx, event);
    const applied = snapshot ? await applyCustomerSnapshot(tx, snapshot) : null;
    const status = applied && applied.userId === null ? "unlinked" : "processed";
    await tx
      .update(webhookEvents)
      .set({
        status,
        processedAt: status === "processed" ? new Date() : null,
        attempts: sql`${webhookEvents.attempts} + 1`,
        lastError: null,
      })
      .where(eq(webhookEvents.id, event.id));
    return status;
  });
}

/**
 * Marks the ledger row failed with `reason`; false when that could not be written either (the
 * database is down, or the event never reached the ledger).
 */
async function recordFailure(db: Database, eventId: string, reason: string): Promise<boolean> {
  try {
    const rows = await db
      .update(webhookEvents)
      .set({ status: "failed", attempts: sql`${webhookEvents.attempts} + 1`, lastError: reason })
      .where(
        and(
          eq(webhookEvents.id, eventId),
          inArray(webhookEvents.status, ["received", "failed", "unlinked"]),
        ),
      )
      .returning({ id: webhookEvents.id });
    return rows.length > 0;
  } catch {
    return false;
  }
}
