import "server-only";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "@/db";
import { type NewWebhookEvent, webhookEvents } from "@/db/schema";
import { fromUnixSeconds } from "@/lib/format/date";
import { linkCheckoutCustomer } from "./link-checkout-customer";
import { isHandledWebhookEvent } from "./webhook-events";

/**
 * What the ledger says of a delivered event:
 * - `pending`: on record, to be applied by its customer's job (mirror/apply-events.ts) — also
 *   for a redelivery of an event not applied yet (received, failed, or unlinked), so a job lost
 *   between the ledger write and the enqueue is asked for again;
 * - `processed`: applied (now, for a handled event that names no customer: it has nothing to
 *   fetch), or earlier;
 * - `ignored`: a type Tollgate does not handle (webhook-events.ts);
 * - `unlinked`: applied, but its customer is linked to no user, so nothing of it could be
 *   mirrored; it stays retryable (a redelivery, Replay, or reconcile once the link exists).
 */
export type LedgerOutcome = "pending" | "processed" | "ignored" | "unlinked";

export interface IngestResult {
  outcome: LedgerOutcome;
  /** This delivery found the event on record already. */
  duplicate: boolean;
  stripeCustomerId: string | null;
}

/** The Stripe customer an event is about, when it names one. */
export function customerIdOf(event: Stripe.Event): string | null {
  const object = event.data.object as { customer?: unknown; object?: string; id?: string };
  if (object.object === "customer") return object.id ?? null;
  const customer = object.customer;
  if (typeof customer === "string") return customer;
  if (customer && typeof customer === "object" && "id" in customer) return String(customer.id);
  return null;
}

/**
 * Puts one verified event on the ledger (`webhook_events`, keyed by Stripe's id) and says what
 * is left to do; no Stripe call, so the webhook route answers at once. Concurrent deliveries
 * of one event make one row (`ON CONFLICT DO NOTHING`); a handled event about a customer is
 * written `received` and applied later by that customer's job; a handled event about no
 * customer (a Checkout session that named none) is applied here, as it has nothing to fetch.
 */
export async function ingestStripeEvent(db: Database, event: Stripe.Event): Promise<IngestResult> {
  const stripeCustomerId = customerIdOf(event);
  const handled = isHandledWebhookEvent(event.type);
  const status = !handled ? "ignored" : stripeCustomerId ? "received" : "processed";
  const entry: NewWebhookEvent = {
    id: event.id,
    type: event.type,
    apiVersion: event.api_version,
    livemode: event.livemode,
    created: fromUnixSeconds(event.created),
    stripeCustomerId,
    objectId: (event.data.object as { id?: string }).id ?? null,
    payload: event,
    status,
    processedAt: status === "received" ? null : new Date(),
    attempts: status === "processed" ? 1 : 0,
  };
  const insert = (on: Database) =>
    on
      .insert(webhookEvents)
      .values(entry)
      .onConflictDoNothing()
      .returning({ id: webhookEvents.id })
      .then((rows) => rows.length > 0);
  // One statement, unless the event has an effect of its own to apply with it.
  const inserted =
    status === "processed" && event.type === "checkout.session.completed"
      ? await db.transaction(async (tx) => {
          const added = await insert(tx);
          if (added) await linkCheckoutCustomer(tx, event);
          return added;
        })
      : await insert(db);
  if (inserted) {
    return {
      outcome: status === "received" ? "pending" : status,
      duplicate: false,
      stripeCustomerId,
    };
  }
  const [found] = await db
    .select({ status: webhookEvents.status })
    .from(webhookEvents)
    .where(eq(webhookEvents.id, event.id));
  // Received, failed or unlinked: the redelivery asks for its customer's job again.
  const outcome: LedgerOutcome =
    found?.status === "processed" || found?.status === "ignored" ? found.status : "pending";
  return { outcome, duplicate: true, stripeCustomerId };
}
