import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { isNotFoundInStripe } from "./deleted-in-stripe";

const invalidRequest = (statusCode: number, code?: string) =>
  Stripe.errors.StripeError.generate({
    type: "invalid_request_error",
    message: "No such customer: 'cus_1'",
    statusCode,
    ...(code ? { code } : {}),
  });

describe("isNotFoundInStripe", () => {
  it("reads Stripe's resource_missing 404 as an object that is gone", () => {
    expect(isNotFoundInStripe(invalidRequest(404, "resource_missing"))).toBe(true);
  });

  it("does not read another 404 (a wrong API base or path) as a deletion", () => {
    expect(isNotFoundInStripe(invalidRequest(404))).toBe(false);
    expect(isNotFoundInStripe(invalidRequest(404, "url_invalid"))).toBe(false);
  });

  it("does not read other refusals or outages as a deletion", () => {
    expect(isNotFoundInStripe(invalidRequest(400, "resource_missing"))).toBe(false);
    expect(isNotFoundInStripe(new Error("socket hang up"))).toBe(false);
  });
});
