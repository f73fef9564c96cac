import "server-only";
import Stripe from "stripe";
import { AppError } from "@/lib/errors";

export const BILLING_UNAVAILABLE = "Billing is unavailable, try again shortly.";

/** Seconds a client should wait before retrying after a Stripe outage or rate limit. */
const RETRY_AFTER_SECONDS = 5;

/**
 * What the user is told when a Stripe call fails. Pure: logging is the caller's (`callStripe`).
 *
 * - card errors → 402 with Stripe's own message ("Your card was declined."), which Stripe
 *   writes to be shown to the cardholder, plus the decline code;
 * - rate limits, connection failures, Stripe's 5xx, and an idempotency key still in use →
 *   503 "Billing is unavailable" with Retry-After: nothing the user did wrong, retrying helps;
 * - a refused API key (authentication or permission) → 503 too: a misconfiguration the user
 *   cannot fix, logged at error level by the caller;
 * - `resource_missing` (or any 404) → not_found;
 * - any other invalid request is our bug → internal (a generic 500).
 */
export function stripeErrorToAppError(error: Stripe.errors.StripeError): AppError {
  if (error instanceof Stripe.errors.StripeCardError) {
    return new AppError("payment_required", error.message || "Your card was declined.", {
      details: {
        stripeCode: error.code ?? null,
        ...(error.decline_code ? { declineCode: error.decline_code } : {}),
      },
      cause: error,
    });
  }
  if (isTransient(error) || isConfiguration(error)) {
    return new AppError("unavailable", BILLING_UNAVAILABLE, {
      headers: { "Retry-After": String(RETRY_AFTER_SECONDS) },
      cause: error,
    });
  }
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    (error.statusCode === 404 || error.code === "resource_missing")
  ) {
    return new AppError("not_found", "That billing record does not exist.", { cause: error });
  }
  return new AppError("internal", "Something went wrong on our side. Please try again.", {
    cause: error,
  });
}

/** Failures that a later retry may not meet: Stripe's side, the network, or a rate limit. */
function isTransient(error: Stripe.errors.StripeError): boolean {
  return (
    error instanceof Stripe.errors.StripeAPIError ||
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    (error instanceof Stripe.errors.StripeIdempotencyError && error.statusCode === 409)
  );
}

function isConfiguration(error: Stripe.errors.StripeError): boolean {
  return (
    error instanceof Stripe.errors.StripeAuthenticationError ||
    error instanceof Stripe.errors.StripePermissionError
  );
}
