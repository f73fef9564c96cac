import { describe, expect, it } from "vitest";
import { hitRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import {
  checkoutSessionId,
  createTestUser,
  exhaustBillingLimit,
  payCheckout,
  startTestCheckout,
  stripeRequests,
  type TestUser,
  useBillingTest,
} from "@/lib/testing/billing";
import { confirmCheckoutReturn } from "./confirm-checkout";

const t = useBillingTest();

async function paidCheckout(user: TestUser): Promise<string> {
  const url = await startTestCheckout(t, user, "pro", "monthly");
  expect((await payCheckout(t, url)).status).toBe(200);
  return checkoutSessionId(url);
}

const confirm = (user: TestUser, sessionId: string) =>
  confirmCheckoutReturn({ db: t.db, stripe: t.stripe, workspaceId: user.workspaceId, sessionId });

describe("confirmCheckoutReturn", () => {
  it("syncs a paid checkout once, then answers from the mirror without calling Stripe", async () => {
    const user = await createTestUser(t, "returning-buyer");
    const sessionId = await paidCheckout(user);

    const first = stripeRequests(t.stripe);
    expect(await confirm(user, sessionId)).toBe("confirmed");
    expect(first.length).toBeGreaterThan(0);

    const again = stripeRequests(t.stripe);
    for (let reload = 0; reload < 5; reload++) {
      expect(await confirm(user, sessionId)).toBe("confirmed");
    }
    expect(again).toEqual([]);
  });

  it("asks Stripe nothing past the billing rate limit, and says the webhook will bring it", async () => {
    const user = await createTestUser(t, "reloader");
    const sessionId = await paidCheckout(user);
    await exhaustBillingLimit(t, user);

    const requests = stripeRequests(t.stripe);
    expect(await confirm(user, sessionId)).toBe("pending");
    expect(requests).toEqual([]);
  });

  it("refuses ids that are not Checkout sessions, and other workspaces' sessions, alike", async () => {
    const owner = await createTestUser(t, "session-owner");
    const intruder = await createTestUser(t, "session-guesser");
    const sessionId = await paidCheckout(owner);

    const requests = stripeRequests(t.stripe);
    expect(await confirm(intruder, "../../v1/customers")).toBe("not_found");
    expect(requests).toEqual([]);
    expect(await confirm(intruder, sessionId)).toBe("not_found");
    // The guess counted against the guesser's workspace's limit.
    const { remaining } = await hitRateLimit(t.db, RATE_LIMITS.billing, intruder.workspaceId);
    expect(remaining).toBe(RATE_LIMITS.billing.limit - 2);
  });
});
