import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { callStripe } from "./call-stripe";
import { findCustomer } from "./find-customer";
import { forgetPortalConfiguration, portalConfigurationId } from "./portal-configuration";
import type { BillingDeps } from "./types";

/**
 * A Stripe customer-portal session for the user's own customer (the only one they can reach:
 * it is looked up by their id, nothing else); returns its URL. `no_customer` when the user has
 * never started a checkout. The session uses Tollgate's portal configuration (card, billing
 * details, invoices, cancel; no plan switching), never the account's default one.
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
  const configuration = await portalConfigurationId(stripe);
  const session = await callStripe("billingPortal.sessions.create", () =>
    stripe.billingPortal.sessions.create(
      {
        customer: customer.stripeCustomerId,
        configuration,
        return_url: `${env().FRONTEND_URL}/account/billing`,
      },
      // One session per customer and minute: a double click opens the same portal.
      { idempotencyKey: `portal:${customer.stripeCustomerId}:${Math.floor(Date.now() / 60_000)}` },
    ),
  ).catch((error: unknown) => {
    // The configuration may have been archived since it was looked up: look again next time.
    forgetPortalConfiguration(stripe);
    throw error;
  });
  return { url: session.url };
}
