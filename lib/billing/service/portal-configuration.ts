import "server-only";
import type Stripe from "stripe";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { isTollgatePortal } from "../catalog-sync/portal";
import { callStripe } from "./call-stripe";
import { BILLING_UNAVAILABLE } from "./stripe-errors";

const found = new WeakMap<Stripe, string>();

/**
 * The id of Tollgate's own portal configuration (written by `npm run stripe:sync`). Portal
 * sessions name it: without one, Stripe uses the account's default configuration, which is
 * whatever was last saved in the Dashboard, plan switching included. Looked up once per client
 * and kept; `forgetPortalConfiguration` drops it after a refused session. `unavailable`
 * (logged) when the account has none: run stripe:sync.
 */
export async function portalConfigurationId(stripe: Stripe): Promise<string> {
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

export function forgetPortalConfiguration(stripe: Stripe): void {
  found.delete(stripe);
}
