// Moves the emulator's wall clock, which every subscription in it shares: this file has an
// emulator of its own.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { invoices, subscriptions } from "@/db/schema";
import { getEntitlements } from "@/lib/billing/entitlements";
import { resyncCustomer } from "@/lib/billing/mirror/resync-customer";
import {
  createTestUser,
  givePastSubscription,
  subscribe,
  useBillingTest,
  userRequest,
} from "@/lib/testing/billing";
import { withParams } from "@/lib/testing/http";

import { POST as changeRoute } from "./subscription/route";

const t = useBillingTest();

describe("a downgrade", () => {
  it("keeps the period as paid and bills the new plan from the next renewal", async () => {
    const user = await createTestUser(t, "downgrader");
    await givePastSubscription(t, user);
    const subscription = await subscribe(t, user, "enterprise", "monthly");
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;

    const response = await changeRoute(
      userRequest(user, `/api/workspaces/${user.workspaceSlug}/billing/subscription`, {
        body: { plan: "pro", period: "monthly" },
      }),
      withParams({ slug: user.workspaceSlug }),
    );
    expect(response.status).toBe(200);
    // Until the period ends the plan paid for is kept, with the change announced.
    const during = await getEntitlements(t.db, user.workspaceId);
    expect(during).toMatchObject({ tier: "enterprise", period: "monthly", status: "active" });
    expect(during.warnings).toEqual([
      {
        kind: "downgrade_scheduled",
        at: new Date(periodEnd * 1000),
        toTier: "pro",
        toPeriod: "monthly",
      },
    ]);
    expect(during.features.sso).toBe(true);
    const before = await t.stripe.invoices.list({ subscription: subscription.id });
    expect(before.data.map((invoice) => [invoice.billing_reason, invoice.amount_paid])).toEqual([
      ["subscription_create", 299_00],
    ]);

    const clock = await t.emulator.control<{ now: number }>("GET", "/clock");
    await t.emulator.control("POST", "/clock/advance", {
      seconds: periodEnd - clock.body.now + 60,
    });
    const after = await t.stripe.invoices.list({ subscription: subscription.id });
    const renewal = after.data.find((invoice) => invoice.billing_reason === "subscription_cycle");
    expect(renewal).toMatchObject({ status: "paid", amount_paid: 29_00, total: 29_00 });
    const prices = (await t.stripe.prices.list({ lookup_keys: ["pro_monthly", "pro_api_calls"] }))
      .data;
    const priceId = (key: string) => prices.find((price) => price.lookup_key === key)?.id;
    // The metered item moved to Pro's API-calls price with the plan; no calls, so nothing billed.
    expect(
      renewal?.lines.data.map((line) => [line.pricing?.price_details?.price, line.amount]),
    ).toEqual([
      [priceId("pro_api_calls"), 0],
      [priceId("pro_monthly"), 29_00],
    ]);

    await resyncCustomer({ db: t.db, stripe: t.stripe }, String(subscription.customer));
    const [mirrored] = await t.db
      .select()
      .from(invoices)
      .where(
        and(
          eq(invoices.workspaceId, user.workspaceId),
          eq(invoices.billingReason, "subscription_cycle"),
        ),
      );
    expect(mirrored).toMatchObject({ planTier: "pro", amountPaid: 29_00, status: "paid" });
    const [row] = await t.db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, subscription.id));
    expect(row).toMatchObject({ planTier: "pro", keptPlanLookupKey: null, keptPlanUntil: null });
    const afterRenewal = await getEntitlements(
      t.db,
      user.workspaceId,
      new Date((periodEnd + 120) * 1000),
    );
    expect(afterRenewal).toMatchObject({ tier: "pro", warnings: [] });
    expect(afterRenewal.features.sso).toBe(false);
  });
});
