import "server-only";
import type Stripe from "stripe";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { isTollgatePortal } from "../catalog/push/portal";
import { callStripe } from "../stripe/call-stripe";
import type { BillingDeps } from "../stripe/client";
import { BILLING_UNAVAILABLE } from "../stripe/errors";
import { findCustomer } from "./customer";

/**
 * A Stripe customer-portal session for the workspace's customer (the caller has authorised the
 * person for its billing; the customer is looked up by the workspace's id, nothing else),
 * returning to the workspace's billing page (`workspaceSlug`); returns its URL. `no_customer`
 * when the workspace has never started a checkout. The session uses Tollgate's portal configuration (card, billing
 * details, invoices, cancel; no plan switching), never the account's default one.
 */
export async function createPortalSession({
  db,
  stripe,
  workspaceId,
  workspaceSlug,
}: BillingDeps & { workspaceId: string; workspaceSlug: string }): Promise<{ url: string }> {
  const customer = await findCustomer(db, workspaceId);
  if (!customer) {
    throw new AppError("no_customer", "You have no billing account yet. Choose a plan first.");
  }
  const configuration = await portalConfigurationId(stripe);
  const session = await callStripe("billingPortal.sessions.create", () =>
    stripe.billingPortal.sessions.create(
      {
        customer: customer.stripeCustomerId,
        configuration,
        return_url: `${env().FRONTEND_URL}/w/${workspaceSlug}/billing`,
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

const found = new WeakMap<Stripe, string>();

/**
 * The id of Tollgate's own portal configuration (written by `npm run stripe:sync`). Portal
 * sessions name it: without one, Stripe uses the account's default configuration, which is
 * whatever was last saved in the Dashboard, plan switching included. Looked up once per client
 * and kept; `forgetPortalConfiguration` drops it after a refused session. `unavailable`
 * (logged) when the account has none: run stripe:sync.
 */
async function portalConfigurationId(stripe: Stripe): Promise<string> {
  const known = found.get(stripe);
  if (known) return known;
  const ours = await callStripe("billingPortal.configurations.list", async () => {
    for await (const configuration of stripe.billingPortal.configurations.list({
      active: true,
      limit: 100,
    })) {
      if (isTollgatePortal(configuration)) return configuration;
    }
    return null;
  });
  if (!ours) {
    log.error("no active Tollgate portal configuration in Stripe; run stripe:sync");
    throw new AppError("unavailable", BILLING_UNAVAILABLE);
  }
  found.set(stripe, ours.id);
  return ours.id;
}

function forgetPortalConfiguration(stripe: Stripe): void {
  found.delete(stripe);
}
