import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { callStripe } from "./call-stripe";
import { findCustomer } from "./find-customer";
import type { BillingDeps } from "./types";

/**
 * A Stripe customer-portal session for the user's own customer (the only one they can reach:
 * it is looked up by their id, nothing else); returns its URL. `no_customer` when the user has
 * never started a checkout.
 */
export async function createPortalSession({
  db,
  stripe,
  userId,
}: BillingDeps & { userId: string }): Promise<{ url: string }> {
  const customer = await findCustomer(db, userId);
  if (!customer) {
    throw new AppError("no_customer", "You have no billing account yet. Choose a plan first.");
  }
  const session = await callStripe("billingPortal.sessions.create", () =>
    stripe.billingPortal.sessions.create(
      {
        customer: customer.stripeCustomerId,
        return_url: `${env().FRONTEND_URL}/account/billing`,
      },
      // One session per customer and minute: a double click opens the same portal.
      { idempotencyKey: `portal:${customer.stripeCustomerId}:${Math.floor(Date.now() / 60_000)}` },
    ),
  );
  return { url: session.url };
}
