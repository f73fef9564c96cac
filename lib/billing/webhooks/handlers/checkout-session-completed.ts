import { eq } from "drizzle-orm";
import { customers, users } from "@/db/schema";
import { log } from "@/lib/log";
import { handler, idOf } from "../handler";

/**
 * checkout.session.completed: the customer paid (or started a trial). Tollgate creates the
 * customer before Checkout, linked to the user; a session whose customer is not linked yet is
 * linked here to the user named by both `client_reference_id` and `metadata.userId` (set by our
 * server, carried by a signed event), before the re-sync mirrors the subscription.
 */
export const checkoutSessionCompleted = handler("checkout.session.completed", {
  customerOf: (session) => idOf(session.customer),
  async apply(db, event) {
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
  },
});
