import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { callStripe } from "./call-stripe";
import { stripeErrorToAppError } from "./errors";

const { errors } = Stripe;

describe("stripeErrorToAppError", () => {
  it("answers a card error with 402 and Stripe's message for the cardholder", () => {
    const mapped = stripeErrorToAppError(
      new errors.StripeCardError({
        type: "card_error",
        code: "card_declined",
        decline_code: "insufficient_funds",
        message: "Your card has insufficient funds.",
      }),
    );
    expect(mapped).toMatchObject({
      code: "payment_required",
      status: 402,
      message: "Your card has insufficient funds.",
      details: { stripeCode: "card_declined", declineCode: "insufficient_funds" },
    });
  });

  it("answers outages, rate limits and a refused key with 503 and Retry-After", () => {
    const cases = [
      new errors.StripeAPIError({ type: "api_error", statusCode: 500, message: "boom" }),
      new errors.StripeConnectionError({ type: "api_error", message: "ECONNRESET" }),
      new errors.StripeRateLimitError({ type: "invalid_request_error", statusCode: 429 }),
      new errors.StripeIdempotencyError({ type: "idempotency_error", statusCode: 409 }),
      new errors.StripeAuthenticationError({ type: "invalid_request_error", statusCode: 401 }),
    ];
    for (const error of cases) {
      const mapped = stripeErrorToAppError(error);
      expect([error.type, mapped.status, mapped.message]).toEqual([
        error.type,
        503,
        "Billing is unavailable, try again shortly.",
      ]);
      expect(mapped.headers).toEqual({ "Retry-After": "5" });
    }
  });

  it("answers a missing resource with not_found and other invalid requests with a generic 500", () => {
    const missing = new errors.StripeInvalidRequestError({
      type: "invalid_request_error",
      code: "resource_missing",
      statusCode: 404,
      message: "No such subscription: 'sub_123'",
    });
    expect(stripeErrorToAppError(missing)).toMatchObject({ code: "not_found", status: 404 });
    const invalid = new errors.StripeInvalidRequestError({
      type: "invalid_request_error",
      statusCode: 400,
      message: "Received unknown parameter: foo",
    });
    const mapped = stripeErrorToAppError(invalid);
    expect(mapped.code).toBe("internal");
    expect(mapped.message).not.toContain("foo");
  });
});

describe("callStripe", () => {
  it("returns the result, maps Stripe errors and passes other errors through", async () => {
    await expect(callStripe("test.ok", async () => 42)).resolves.toBe(42);
    await expect(
      callStripe("test.down", async () => {
        throw new errors.StripeAPIError({ type: "api_error", statusCode: 503 });
      }),
    ).rejects.toMatchObject({ code: "unavailable" });
    const bug = new TypeError("not Stripe's");
    await expect(
      callStripe("test.bug", async () => {
        throw bug;
      }),
    ).rejects.toBe(bug);
  });
});
