import "server-only";
import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import Stripe from "stripe";
import type { Database } from "@/db";
import { customers, ENDED_SUBSCRIPTION_STATUSES, invoices, subscriptions } from "@/db/schema";
import { log } from "@/lib/log";

/**
 * What the mirror does about objects Stripe no longer has: a deleted customer (or one Stripe
 * answers 404 for) and a deleted draft invoice. Without this, an event about either would fail
 * on every delivery and replay (a poison event).
 */

/**
 * Stripe answered that the object does not exist (any more) for this key: a 404 with the code
 * `resource_missing`. Any other 404 (a wrong API base or path) is an outage, not a deletion.
 */
export function isNotFoundInStripe(error: unknown): boolean {
  return (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    error.statusCode === 404 &&
    error.code === "resource_missing"
  );
}

export function isDeletedCustomer(
  customer: Stripe.Customer | Stripe.DeletedCustomer,
): customer is Stripe.DeletedCustomer {
  return "deleted" in customer && customer.deleted === true;
}

/**
 * The customer as Stripe shows it; a 404 reads as deleted (`{ deleted: true }`), like a customer
 * Stripe still remembers deleting. Other failures (5xx, timeouts) are thrown.
 */
export async function retrieveCustomer(
  stripe: Stripe,
  stripeCustomerId: string,
): Promise<Stripe.Customer | Stripe.DeletedCustomer> {
  try {
    return await stripe.customers.retrieve(stripeCustomerId);
  } catch (error) {
    if (!isNotFoundInStripe(error)) throw error;
    log.warn({ stripeCustomerId }, "Stripe has no such customer; treated as deleted");
    return { id: stripeCustomerId, object: "customer", deleted: true };
  }
}

/** The invoice, or null when Stripe answers 404 (a draft deleted since the event was sent). */
export async function retrieveInvoiceIfExists(
  stripe: Stripe,
  stripeInvoiceId: string,
): Promise<Stripe.Invoice | null> {
  try {
    return await stripe.invoices.retrieve(stripeInvoiceId);
  } catch (error) {
    if (!isNotFoundInStripe(error)) throw error;
    return null;
  }
}

/**
 * Whether a live snapshot of the customer must still be applied as its deletion: our link was
 * marked deleted after the snapshot was fetched (`version` is earlier than `deleted_at`: the
 * fetch read the customer before another fetch saw it deleted, and a deleted customer never
 * comes back). A live snapshot fetched after the mark was written means the 404 behind the mark
 * was no deletion (a key of another account, since corrected): the mark is cleared.
 */
export async function markedDeletedSince(
  db: Database,
  stripeCustomerId: string,
  version: number,
): Promise<boolean> {
  const [link] = await db
    .select({ deletedAt: customers.deletedAt })
    .from(customers)
    .where(eq(customers.stripeCustomerId, stripeCustomerId));
  if (!link?.deletedAt) return false;
  if (version < link.deletedAt.getTime()) return true;
  await db
    .update(customers)
    .set({ deletedAt: null })
    .where(eq(customers.stripeCustomerId, stripeCustomerId));
  log.warn({ stripeCustomerId }, "a customer marked deleted is live in Stripe; mark cleared");
  return false;
}

/**
 * Applies a customer's deletion: the link is marked deleted (kept, so its invoices keep their
 * user), and every mirrored subscription that has not ended ends now (canceled, `ended_at` the
 * fetch time), so its user's entitlements fall to Free. Stripe cancels a deleted customer's
 * subscriptions itself; this does not wait for their own events. Idempotent; the rows carry
 * `version` so an older fetch cannot revive them. Returns the linked user, if any.
 */
export async function applyCustomerDeleted(
  db: Database,
  stripeCustomerId: string,
  version: number,
): Promise<string | null> {
  // The transaction's start: after the fetch that saw the deletion (see markedDeletedSince).
  const [link] = await db
    .update(customers)
    .set({ deletedAt: sql`coalesce(${customers.deletedAt}, now())` })
    .where(eq(customers.stripeCustomerId, stripeCustomerId))
    .returning({ workspaceId: customers.workspaceId });
  const endedAt = sql`${new Date(version).toISOString()}::timestamptz`;
  const ended = await db
    .update(subscriptions)
    .set({
      status: "canceled",
      endedAt: sql`coalesce(${subscriptions.endedAt}, ${endedAt})`,
      canceledAt: sql`coalesce(${subscriptions.canceledAt}, ${endedAt})`,
      stripeVersion: sql`greatest(${subscriptions.stripeVersion}, ${version})`,
    })
    .where(
      and(
        eq(subscriptions.stripeCustomerId, stripeCustomerId),
        notInArray(subscriptions.status, [...ENDED_SUBSCRIPTION_STATUSES]),
      ),
    )
    .returning({ id: subscriptions.stripeSubscriptionId });
  if (ended.length > 0) {
    log.info(
      { stripeCustomerId, subscriptions: ended.length },
      "customer deleted in Stripe; its subscriptions ended",
    );
  }
  return link?.workspaceId ?? null;
}

/**
 * Removes mirrored invoices Stripe answered 404 for. Only a draft can be deleted at Stripe, so
 * only draft rows of this customer are removed; a deleted invoice never comes back.
 */
export async function removeDeletedInvoices(
  db: Database,
  stripeCustomerId: string,
  stripeInvoiceIds: string[],
): Promise<void> {
  if (stripeInvoiceIds.length === 0) return;
  await db
    .delete(invoices)
    .where(
      and(
        eq(invoices.stripeCustomerId, stripeCustomerId),
        inArray(invoices.stripeInvoiceId, stripeInvoiceIds),
        eq(invoices.status, "draft"),
      ),
    );
}
