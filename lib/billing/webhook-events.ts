import type Stripe from "stripe";

/** Where Stripe delivers webhooks, relative to FRONTEND_URL. */
export const WEBHOOK_PATH = "/api/stripe/webhook";

export function webhookUrlFor(frontendUrl: string): string {
  return `${frontendUrl.replace(/\/+$/, "")}${WEBHOOK_PATH}`;
}

/**
 * The events Tollgate acts on: the webhook endpoint subscribes to exactly these
 * (`npm run stripe:sync`), and the webhook route acknowledges any other type without effect.
 */
export const HANDLED_WEBHOOK_EVENTS = [
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.trial_will_end",
  "customer.subscription.paused",
  "customer.subscription.resumed",
  "invoice.created",
  "invoice.deleted",
  "invoice.finalized",
  "invoice.paid",
  "invoice.payment_succeeded",
  "invoice.payment_failed",
  "invoice.updated",
  "invoice.voided",
  "invoice.marked_uncollectible",
  "checkout.session.completed",
  "checkout.session.expired",
  "customer.updated",
  "customer.deleted",
] as const satisfies readonly Stripe.WebhookEndpointCreateParams.EnabledEvent[];

export type HandledWebhookEvent = (typeof HANDLED_WEBHOOK_EVENTS)[number];

export function isHandledWebhookEvent(type: string): type is HandledWebhookEvent {
  return (HANDLED_WEBHOOK_EVENTS as readonly string[]).includes(type);
}
