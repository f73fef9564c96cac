import "server-only";
import Stripe from "stripe";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";

/** Stripe's default: a signature older than five minutes is refused (replays). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * The event in a webhook request, verified against the endpoint's secret: the signature must be
 * over the exact raw body, made with `secret`, less than `SIGNATURE_TOLERANCE_SECONDS` old.
 * Fails closed: with no secret configured every request is refused. Throws a 400 AppError.
 */
export function verifyStripeEvent(
  stripe: Stripe,
  rawBody: string,
  signature: string | null,
  secret: string | undefined,
): Stripe.Event {
  // One answer for every refusal: the sender learns nothing about the configuration; the log
  // says which it was.
  const refuse = (reason: string) => {
    log.warn({ reason }, "stripe webhook refused");
    return new AppError("bad_request", "The webhook signature could not be verified.");
  };
  if (!secret) throw refuse("STRIPE_WEBHOOK_SECRET is not set");
  if (!signature) throw refuse("no Stripe-Signature header");
  try {
    return stripe.webhooks.constructEvent(rawBody, signature, secret, SIGNATURE_TOLERANCE_SECONDS);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError)
      throw refuse(error.message);
    throw refuse("the body is not a Stripe event");
  }
}
