import "server-only";
import Stripe from "stripe";
import { AppError } from "@/lib/errors";

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
  if (!secret) {
    throw new AppError("bad_request", "Webhooks are refused: STRIPE_WEBHOOK_SECRET is not set.");
  }
  if (!signature) throw new AppError("bad_request", "Missing Stripe-Signature header.");
  try {
    return stripe.webhooks.constructEvent(rawBody, signature, secret, SIGNATURE_TOLERANCE_SECONDS);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      throw new AppError("bad_request", "The Stripe signature does not match this request.");
    }
    throw new AppError("bad_request", "The webhook body is not a Stripe event.", { cause: error });
  }
}
