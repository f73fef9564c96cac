import type Stripe from "stripe";
import type { StripeChange } from "../catalog/push/types";
import { STRIPE_API_VERSION } from "../stripe/client";
import { HANDLED_WEBHOOK_EVENTS } from "./webhook-events";

/** Where Stripe delivers webhooks, relative to FRONTEND_URL. */
export const WEBHOOK_PATH = "/api/stripe/webhook";

export function webhookUrlFor(frontendUrl: string): string {
  return `${frontendUrl.replace(/\/+$/, "")}${WEBHOOK_PATH}`;
}

/**
 * Marks the endpoints `registerWebhookEndpoint` made, so development can drop the ones for old
 * addresses.
 */
export const WEBHOOK_METADATA = { tollgate: "webhook" } as const;

/**
 * Finds the endpoint by URL and subscribes it to the handled events, or creates it. `replace`
 * deletes a found endpoint and creates it again: Stripe shows a secret only on creation.
 * Returns the secret when the endpoint was created now.
 */
export async function registerWebhookEndpoint(
  stripe: Stripe,
  url: string,
  replace: boolean,
): Promise<{ change: StripeChange; secret: string | null }> {
  let existing: Stripe.WebhookEndpoint | undefined;
  for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) {
    if (endpoint.url === url) {
      existing = endpoint;
      break;
    }
  }
  if (existing && replace) {
    await stripe.webhookEndpoints.del(existing.id);
    existing = undefined;
  }
  const change = (id: string, action: StripeChange["action"]): StripeChange => ({
    kind: "webhook_endpoint",
    key: url,
    id,
    action,
  });
  if (!existing) {
    const created = await stripe.webhookEndpoints.create({
      url,
      enabled_events: [...HANDLED_WEBHOOK_EVENTS],
      api_version: STRIPE_API_VERSION,
      description: "Tollgate billing events",
      metadata: { ...WEBHOOK_METADATA },
    });
    if (!created.secret) {
      throw new Error(`Stripe created webhook endpoint ${created.id} without a secret`);
    }
    return { change: change(created.id, "created"), secret: created.secret };
  }
  const wanted = [...HANDLED_WEBHOOK_EVENTS].sort();
  const current = [...existing.enabled_events].sort();
  if (existing.status === "enabled" && JSON.stringify(current) === JSON.stringify(wanted)) {
    return { change: change(existing.id, "unchanged"), secret: null };
  }
  await stripe.webhookEndpoints.update(existing.id, {
    enabled_events: [...HANDLED_WEBHOOK_EVENTS],
    disabled: false,
  });
  return { change: change(existing.id, "updated"), secret: null };
}
