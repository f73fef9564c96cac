import { describe, expect, it } from "vitest";
import {
  createTestUser,
  exhaustBillingLimit,
  givePastSubscription,
  stripeRequests,
  subscribe,
  useBillingTest,
} from "@/lib/testing/billing";
import { previewChangeForPage } from "./change-plan";

const t = useBillingTest();

describe("previewChangeForPage", () => {
  it("previews a change under the billing rate limit, and asks Stripe nothing past it", async () => {
    const user = await createTestUser(t, "previewer");
    await givePastSubscription(t, user);
    await subscribe(t, user, "pro", "monthly");
    const preview = () =>
      previewChangeForPage({
        db: t.db,
        stripe: t.stripe,
        workspaceId: user.workspaceId,
        tier: "enterprise",
        period: "monthly",
      });
    await expect(preview()).resolves.toMatchObject({ change: "upgrade" });

    await exhaustBillingLimit(t, user);
    const requests = stripeRequests(t.stripe);
    await expect(preview()).rejects.toMatchObject({ code: "rate_limited" });
    expect(requests).toEqual([]);
  });
});
