import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { verifyStripeEvent } from "./verify-event";

const stripe = new Stripe("sk_test_unused", { apiVersion: "2026-10-28.endive" });
const secret = "whsec_verify_tests";
const payload = JSON.stringify({
  id: "evt_1",
  object: "event",
  type: "customer.created",
  data: { object: {} },
});

function refusal(call: () => unknown): AppError {
  try {
    call();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("accepted");
}

describe("verifyStripeEvent", () => {
  it("accepts a body signed with the secret", () => {
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
    expect(verifyStripeEvent(stripe, payload, header, secret).id).toBe("evt_1");
  });

  it("refuses everything when no secret is configured", () => {
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: "" });
    const error = refusal(() => verifyStripeEvent(stripe, payload, header, undefined));
    expect(error.status).toBe(400);
    expect(error.message).not.toMatch(/STRIPE_WEBHOOK_SECRET/);
    expect(refusal(() => verifyStripeEvent(stripe, payload, header, "")).status).toBe(400);
  });

  it("refuses a signature older than five minutes", () => {
    const header = stripe.webhooks.generateTestHeaderString({
      payload,
      secret,
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect(refusal(() => verifyStripeEvent(stripe, payload, header, secret)).status).toBe(400);
  });

  it("refuses a missing header", () => {
    expect(refusal(() => verifyStripeEvent(stripe, payload, null, secret)).status).toBe(400);
  });
});
