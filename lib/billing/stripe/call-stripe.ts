import "server-only";
import Stripe from "stripe";
import { log } from "@/lib/log";
import { stripeErrorToAppError } from "./errors";

/**
 * Runs one Stripe call (or a few that belong together, such as a customer snapshot), logs it —
 * the operation, how long it took, the outcome and Stripe's request id; never a key, a card or
 * a body — and turns a Stripe error into the AppError the user sees (`stripeErrorToAppError`).
 * Errors that are not Stripe's pass through unchanged. Every Stripe call of the billing service
 * goes through here.
 */
export async function callStripe<T>(operation: string, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  try {
    const result = await call();
    log.info(
      {
        stripe: operation,
        durationMs: durationMs(),
        outcome: "ok",
        requestId: requestIdOf(result),
      },
      "stripe call",
    );
    return result;
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) {
      log.error({ stripe: operation, durationMs: durationMs(), outcome: "error" }, "stripe call");
      throw error;
    }
    const mapped = stripeErrorToAppError(error);
    const entry = {
      stripe: operation,
      durationMs: durationMs(),
      outcome: mapped.code,
      stripeError: error.type,
      stripeCode: error.code,
      statusCode: error.statusCode,
      requestId: error.requestId,
    };
    if (mapped.code === "payment_required" || mapped.code === "not_found") {
      log.info(entry, "stripe call refused");
    } else if (mapped.code === "unavailable" && !isConfigurationError(error)) {
      log.warn(entry, "stripe unavailable");
    } else {
      // Stripe masks keys in its messages; a refused key's message is left out all the same.
      const message = isConfigurationError(error) ? undefined : error.message;
      log.error({ ...entry, message }, "stripe call failed");
    }
    throw mapped;
  }
}

function isConfigurationError(error: Stripe.errors.StripeError): boolean {
  return (
    error instanceof Stripe.errors.StripeAuthenticationError ||
    error instanceof Stripe.errors.StripePermissionError
  );
}

/** Stripe's request id of a successful call, for correlating our logs with Stripe's. */
function requestIdOf(result: unknown): string | undefined {
  if (typeof result !== "object" || result === null || !("lastResponse" in result)) {
    return undefined;
  }
  const { lastResponse } = result;
  if (typeof lastResponse !== "object" || lastResponse === null) return undefined;
  return "requestId" in lastResponse && typeof lastResponse.requestId === "string"
    ? lastResponse.requestId
    : undefined;
}
