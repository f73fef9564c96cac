import "server-only";
import type Stripe from "stripe";
import type { Database } from "@/db";
import { customers } from "@/db/schema";
import { log } from "@/lib/log";
import { claimedWorkspace } from "./claimed-workspace";

/**
 * checkout.session.completed's own effect, before the re-sync mirrors the subscription: the
 * customer paid (or started a trial). Tollgate creates the customer before Checkout, linked to
 * the workspace; a session whose customer is not linked yet is linked here to the workspace
 * named by both `client_reference_id` and `metadata.workspaceId` (set by our server, carried by
 * a signed event; `metadata.userId` on sessions made before workspaces: that user's personal
 * workspace).
 * Idempotent (the link is written with ON CONFLICT DO NOTHING); runs in the pipeline's
 * transaction.
 */
export async function linkCheckoutCustomer(
  db: Database,
  event: Stripe.CheckoutSessionCompletedEvent,
): Promise<void> {
  const session = event.data.object;
  const customerId = idOf(session.customer);
  const reference = session.client_reference_id;
  // Our sessions carry the owner twice; a session made elsewhere (a payment link takes
  // client_reference_id from its URL) must not tie a customer to someone else.
  const claimed = session.metadata?.workspaceId ?? session.metadata?.userId;
  if (!customerId || !reference || claimed !== reference) return;
  const workspaceId = await claimedWorkspace(db, session.metadata);
  if (!workspaceId) {
    log.warn({ eventId: event.id, customerId }, "checkout completed for an unknown workspace");
    return;
  }
  await db
    .insert(customers)
    .values({
      workspaceId,
      stripeCustomerId: customerId,
      email: session.customer_details?.email ?? null,
    })
    .onConflictDoNothing();
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}
