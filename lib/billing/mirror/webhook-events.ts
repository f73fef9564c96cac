import type Stripe from "stripe";

/**
 * The webhook events Tollgate handles, and what each one means for it. The endpoint subscribes
 * to exactly these (mirror/webhook-endpoint.ts, `npm run stripe:sync`); the pipeline
 * (mirror/process-event.ts) records any other type and ignores it.
 *
 * Every handled event re-syncs the customer it is about (a fresh fetch from Stripe, written
 * under the version guard: mirror/apply-snapshot.ts), which makes the outcome independent of delivery
 * order and duplicates. Only checkout.session.completed has an effect of its own, applied first
 * in the same transaction (`linkCheckoutCustomer`).
 *
 * Pure data, without `server-only`: the scripts read it too.
 */
export const WEBHOOK_EVENTS = {
  "customer.subscription.created":
    "a new subscription (from Checkout or the API): mirrored with its plan, status and period",
  "customer.subscription.updated":
    "plan, status, period or cancellation changed (renewal, upgrade, past_due, cancel at end)",
  "customer.subscription.deleted":
    "the subscription ended: the mirror shows it canceled, and entitlements fall back to Free",
  "customer.subscription.trial_will_end":
    "three days before a trial ends; the account page's trial banner reads the mirrored trial end",
  "customer.subscription.paused":
    "a trial ended without a payment method and the subscription paused: no plan until resumed",
  "customer.subscription.resumed": "a paused subscription was resumed",
  "invoice.created": "a draft invoice (renewal, upgrade or first invoice)",
  "invoice.deleted": "a draft was deleted: Stripe answers 404 for it, and its mirrored row goes",
  "invoice.finalized": "the invoice got its number, hosted page and PDF",
  "invoice.paid":
    "the invoice was paid: a past_due subscription is active again, its grace period over",
  "invoice.payment_succeeded": "sent beside invoice.paid for a successful charge",
  "invoice.payment_failed":
    "a charge failed: the subscription goes past_due; the grace period starts at the first failure",
  "invoice.updated": "any other change to an invoice",
  "invoice.voided": "the invoice was voided",
  "invoice.marked_uncollectible": "the invoice was written off",
  "checkout.session.completed":
    "the customer paid (or started a trial): linked to the user first (`linkCheckoutCustomer`)",
  "checkout.session.expired":
    "a checkout was abandoned; nothing changes unless it named a customer",
  "customer.updated": "email or default payment method changed",
  "customer.deleted":
    "the customer was deleted in Stripe: the link is marked deleted, its subscriptions end",
} as const satisfies { [T in Stripe.WebhookEndpointCreateParams.EnabledEvent]?: string };

export type HandledWebhookEvent = keyof typeof WEBHOOK_EVENTS;

/** The handled types, in the table's order. */
export const HANDLED_WEBHOOK_EVENTS = Object.keys(WEBHOOK_EVENTS) as HandledWebhookEvent[];

export function isHandledWebhookEvent(type: string): type is HandledWebhookEvent {
  return Object.hasOwn(WEBHOOK_EVENTS, type);
}
