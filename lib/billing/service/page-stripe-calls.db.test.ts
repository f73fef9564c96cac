import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hitRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import {
  type BillingTest,
  checkoutSessionId,
  createTestUser,
  givePastSubscription,
  payCheckout,
  startBillingTest,
  subscribe,
  type TestUser,
  userRequest,
} from "@/lib/testing/billing";
import { noParams } from "@/lib/testing/http";
import { POST as checkoutRoute } from "../../../app/api/billing/checkout/route";
import { confirmCheckoutReturn, previewChangeForPage } from "./page-stripe-calls";

let t: BillingTest;
beforeAll(async () => {
  t = await startBillingTest();
});
afterAll(async () => {
  await t.close();
});

/** Every request the Stripe client sends from now on, by method and path. */
function stripeRequests(stripe: Stripe): string[] {
  const seen: string[] = [];
  const listener = (event: Stripe.RequestEvent) => seen.push(`${event.method} ${event.path}`);
  stripe.on("request", listener);
  stopListening.push(() => stripe.off("request", listener));
  return seen;
}
const stopListening: (() => void)[] = [];
afterEach(() => {
  for (const stop of stopListening.splice(0)) stop();
});

async function paidCheckout(user: TestUser): Promise<string> {
  const response = await checkoutRoute(
    userRequest(user, "/api/billing/checkout", { body: { plan: "pro", period: "monthly" } }),
    noParams(),
  );
  const { url } = (await response.json()) as { url: string };
  expect((await payCheckout(t, url)).status).toBe(200);
  return checkoutSessionId(url);
}

/** Uses up the user's billing rate limit for the current window. */
async function exhaustBillingLimit(user: TestUser): Promise<void> {
  for (let hit = 0; hit < RATE_LIMITS.billing.limit; hit++) {
    await hitRateLimit(t.db, RATE_LIMITS.billing, user.id);
  }
}

const confirm = (user: TestUser, sessionId: string) =>
  confirmCheckoutReturn({ db: t.db, stripe: t.stripe, userId: user.id, sessionId });

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
    await exhaustBillingLimit(user);

    const requests = stripeRequests(t.stripe);
    expect(await confirm(user, sessionId)).toBe("pending");
    expect(requests).toEqual([]);
  });

  it("refuses ids that are not Checkout sessions, and other users' sessions, alike", async () => {
    const owner = await createTestUser(t, "session-owner");
    const intruder = await createTestUser(t, "session-guesser");
    const sessionId = await paidCheckout(owner);

    const requests = stripeRequests(t.stripe);
    expect(await confirm(intruder, "../../v1/customers")).toBe("not_found");
    expect(requests).toEqual([]);
    expect(await confirm(intruder, sessionId)).toBe("not_found");
    // The guess counted against the guesser's limit.
    const { remaining } = await hitRateLimit(t.db, RATE_LIMITS.billing, intruder.id);
    expect(remaining).toBe(RATE_LIMITS.billing.limit - 2);
  });
});

describe("previewChangeForPage", () => {
  it("previews a change under the billing rate limit, and asks Stripe nothing past it", async () => {
    const user = await createTestUser(t, "previewer");
    await givePastSubscription(t, user);
    await subscribe(t, user, "pro", "monthly", checkoutRoute);
    const preview = () =>
      previewChangeForPage({
        db: t.db,
        stripe: t.stripe,
        userId: user.id,
        tier: "enterprise",
        period: "monthly",
      });
    await expect(preview()).resolves.toMatchObject({ change: "upgrade" });

    await exhaustBillingLimit(user);
    const requests = stripeRequests(t.stripe);
    await expect(preview()).rejects.toMatchObject({ code: "rate_limited" });
    expect(requests).toEqual([]);
  });
});
