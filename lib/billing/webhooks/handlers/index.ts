/** Every handled event type and its handler; the type checker holds it complete. */
import type { HandledWebhookEvent } from "../../webhook-events";
import type { WebhookHandler } from "../handler";
import { checkoutSessionCompleted } from "./checkout-session-completed";
import { checkoutSessionExpired } from "./checkout-session-expired";
import { customerDeleted } from "./customer-deleted";
import { customerSubscriptionCreated } from "./customer-subscription-created";
import { customerSubscriptionDeleted } from "./customer-subscription-deleted";
import { customerSubscriptionPaused } from "./customer-subscription-paused";
import { customerSubscriptionResumed } from "./customer-subscription-resumed";
import { customerSubscriptionTrialWillEnd } from "./customer-subscription-trial-will-end";
import { customerSubscriptionUpdated } from "./customer-subscription-updated";
import { customerUpdated } from "./customer-updated";
import { invoiceCreated } from "./invoice-created";
import { invoiceDeleted } from "./invoice-deleted";
import { invoiceFinalized } from "./invoice-finalized";
import { invoiceMarkedUncollectible } from "./invoice-marked-uncollectible";
import { invoicePaid } from "./invoice-paid";
import { invoicePaymentFailed } from "./invoice-payment-failed";
import { invoicePaymentSucceeded } from "./invoice-payment-succeeded";
import { invoiceUpdated } from "./invoice-updated";
import { invoiceVoided } from "./invoice-voided";

export const WEBHOOK_HANDLERS: { [T in HandledWebhookEvent]: WebhookHandler<T> } = {
  "checkout.session.completed": checkoutSessionCompleted,
  "checkout.session.expired": checkoutSessionExpired,
  "customer.deleted": customerDeleted,
  "customer.subscription.created": customerSubscriptionCreated,
  "customer.subscription.deleted": customerSubscriptionDeleted,
  "customer.subscription.paused": customerSubscriptionPaused,
  "customer.subscription.resumed": customerSubscriptionResumed,
  "customer.subscription.trial_will_end": customerSubscriptionTrialWillEnd,
  "customer.subscription.updated": customerSubscriptionUpdated,
  "customer.updated": customerUpdated,
  "invoice.created": invoiceCreated,
  "invoice.deleted": invoiceDeleted,
  "invoice.finalized": invoiceFinalized,
  "invoice.marked_uncollectible": invoiceMarkedUncollectible,
  "invoice.paid": invoicePaid,
  "invoice.payment_failed": invoicePaymentFailed,
  "invoice.payment_succeeded": invoicePaymentSucceeded,
  "invoice.updated": invoiceUpdated,
  "invoice.voided": invoiceVoided,
};
