import "server-only";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "@/db";
import { customers, users } from "@/db/schema";
import { log } from "@/lib/log";

/**
 * checkout.session.completed's own effect, before the re-sync mirrors the subscription: the
 * customer paid (or started a trial). Tollgate creates the customer before Checkout, linked to
 * the user; a session whose customer is not linked yet is linked here to the user named by both
 * `client_reference_id` and `metadata.userId` (set by our server, carried by a signed event).
 * Idempotent (the link is written with ON CONFLICT DO NOTHING); runs in the pipeline's
 * transaction.
 */
export async function linkCheckoutCustomer(
  db: Database,
  event: Stripe.CheckoutSessionCompletedEvent,
): Promise<void> {
  const session = event.data.object;
  const customerId = idOf(session.customer);
  const userId = session.client_reference_id;
  // Our sessions carry the user twice; a session made elsewhere (a payment link takes
  // client_reference_id from its URL) must not tie a customer to someone else.
  if (!customerId || !userId || session.metadata?.userId !== userId) return;
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  if (!user) {
    log.warn({ eventId: event.id, customerId }, "checkout completed for an unknown user");
    return;
  }
  await db
    .insert(customers)
    .values({
      userId: user.id,
      stripeCustomerId: customerId,
      email: session.customer_details?.email ?? null,
    })
    .onConflictDoNothing();
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}
