import { describe, expect, it } from "vitest";
import { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from "@/db/schema";
import { PLAN_TIERS, PLANS } from "./catalog/plans";
import {
  type EntitlementOptions,
  entitlementsFor,
  pickCurrentSubscription,
  type SubscriptionRow,
} from "./entitlements";

const DAY = 24 * 60 * 60 * 1000;
const at = (iso: string) => new Date(iso);
const NOW = at("2026-11-24T12:00:00Z");
const options: EntitlementOptions = { now: NOW, gracePeriodDays: 3 };

let sequence = 0;
function row(overrides: Partial<SubscriptionRow> = {}): SubscriptionRow {
  sequence += 1;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, "0")}`,
    workspaceId: "00000000-0000-4000-8000-00000000000a",
    stripeSubscriptionId: `sub_${sequence}`,
    stripeCustomerId: "cus_1",
    stripePriceId: "price_pro_monthly",
    priceLookupKey: "pro_monthly",
    planTier: "pro",
    billingPeriod: "monthly",
    status: "active",
    quantity: 1,
    trialStart: null,
    trialEnd: null,
    currentPeriodStart: at("2026-11-10T00:00:00Z"),
    currentPeriodEnd: at("2026-12-10T00:00:00Z"),
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: null,
    endedAt: null,
    meteredPriceId: null,
    keptPlanLookupKey: null,
    keptPlanUntil: null,
    cancelRequestedBy: null,
    meteredItemRestoredAt: null,
    paymentFailedAt: null,
    stripeVersion: 0,
    createdAt: at("2026-11-10T00:00:00Z"),
    updatedAt: at("2026-11-10T00:00:00Z"),
    ...overrides,
  };
}

describe("entitlementsFor after a downgrade that waits for the period end", () => {
  const downgraded = row({
    planTier: "pro",
    priceLookupKey: "pro_monthly",
    keptPlanLookupKey: "enterprise_yearly",
    keptPlanUntil: at("2026-12-10T00:00:00Z"),
  });

  it("grants the kept plan until the instant its period ends, and announces the change", () => {
    const result = entitlementsFor(downgraded, {
      ...options,
      now: at("2026-12-09T23:59:59Z"),
    });
    expect(result).toMatchObject({ tier: "enterprise", period: "yearly", status: "active" });
    expect(result.features.sso).toBe(true);
    expect(result.warnings).toEqual([
      {
        kind: "downgrade_scheduled",
        at: at("2026-12-10T00:00:00Z"),
        toTier: "pro",
        toPeriod: "monthly",
      },
    ]);
  });

  it("grants the subscription's own plan from the period end on", () => {
    const result = entitlementsFor(downgraded, { ...options, now: at("2026-12-10T00:00:00Z") });
    expect(result).toMatchObject({ tier: "pro", period: "monthly", warnings: [] });
    expect(result.features.sso).toBe(false);
  });

  it("ignores a kept plan outside the catalog or equal to the current one", () => {
    for (const keptPlanLookupKey of ["gold_monthly", "pro_yearly"]) {
      const result = entitlementsFor(row({ ...downgraded, keptPlanLookupKey }), options);
      expect(result).toMatchObject({ tier: "pro", period: "monthly", warnings: [] });
    }
  });

  it("grants nothing from a kept plan once the subscription has ended", () => {
    const result = entitlementsFor(row({ ...downgraded, status: "canceled" }), options);
    expect(result.tier).toBe("free");
  });
});

describe("entitlementsFor", () => {
  it("gives Free with status none when there is no subscription", () => {
    const result = entitlementsFor(null, options);
    expect(result).toMatchObject({
      tier: "free",
      status: "none",
      source: "free",
      period: null,
      currentPeriodEnd: null,
      warnings: [],
    });
    expect(result.features).toEqual(PLANS.free.features);
    expect(result.limits).toEqual(PLANS.free.limits);
  });

  it("grants the subscribed plan's features and limits, as the catalog defines them", () => {
    for (const tier of PLAN_TIERS) {
      const result = entitlementsFor(row({ planTier: tier }), options);
      expect(result.tier).toBe(tier);
      expect(result.plan.name).toBe(PLANS[tier].name);
      expect(result.features).toEqual(PLANS[tier].features);
      expect(result.limits).toEqual(PLANS[tier].limits);
    }
  });

  it("grants the plan while active, with its period and period end", () => {
    const subscription = row({ planTier: "enterprise", billingPeriod: "yearly" });
    expect(entitlementsFor(subscription, options)).toMatchObject({
      tier: "enterprise",
      status: "active",
      source: "subscription",
      period: "yearly",
      currentPeriodEnd: subscription.currentPeriodEnd,
      warnings: [],
    });
  });

  it("keeps the plan for an active subscription whose period end has passed", () => {
    const result = entitlementsFor(row({ currentPeriodEnd: at("2026-11-01T00:00:00Z") }), options);
    expect(result).toMatchObject({ tier: "pro", source: "subscription", warnings: [] });
  });

  it.each(["incomplete", "incomplete_expired", "canceled", "unpaid", "paused"] as const)(
    "falls back to Free for a %s subscription but keeps its status",
    (status) => {
      const result = entitlementsFor(row({ status, cancelAtPeriodEnd: true }), options);
      expect(result).toMatchObject({
        tier: "free",
        status,
        source: "free",
        period: null,
        currentPeriodEnd: null,
        warnings: [],
      });
      expect(result.features).toEqual(PLANS.free.features);
      expect(result.limits).toEqual(PLANS.free.limits);
    },
  );

  it("decides every Stripe status", () => {
    const granted = SUBSCRIPTION_STATUSES.filter(
      (status) =>
        entitlementsFor(row({ status, paymentFailedAt: NOW }), options).source === "subscription",
    );
    expect(granted.sort()).toEqual<SubscriptionStatus[]>(["active", "past_due", "trialing"]);
  });

  describe("trials", () => {
    it("grants the plan while trialing and always says when the trial ends", () => {
      const trialEnd = new Date(NOW.getTime() + 10 * DAY);
      const result = entitlementsFor(row({ status: "trialing", trialEnd }), options);
      expect(result).toMatchObject({ tier: "pro", status: "trialing", source: "subscription" });
      expect(result.warnings).toEqual([{ kind: "trial_ending", trialEnd, daysLeft: 10 }]);
    });

    it.each([
      [1, 1],
      [DAY - 1, 1],
      [DAY, 1],
      [DAY + 1, 2],
      [2.5 * DAY, 3],
      [0, 0],
      [-DAY, 0],
    ])("rounds %d ms left up to %d days", (msLeft, daysLeft) => {
      const trialEnd = new Date(NOW.getTime() + msLeft);
      const result = entitlementsFor(row({ status: "trialing", trialEnd }), options);
      expect(result.warnings).toEqual([{ kind: "trial_ending", trialEnd, daysLeft }]);
    });

    it("omits the trial warning when the trial end is unknown", () => {
      const result = entitlementsFor(row({ status: "trialing", trialEnd: null }), options);
      expect(result.source).toBe("subscription");
      expect(result.warnings).toEqual([]);
    });
  });

  describe("cancellation", () => {
    it("warns that an active subscription set to cancel at period end ends then", () => {
      const subscription = row({ cancelAtPeriodEnd: true });
      const result = entitlementsFor(subscription, options);
      expect(result.source).toBe("subscription");
      expect(result.warnings).toEqual([
        { kind: "cancels", cancelsAt: subscription.currentPeriodEnd },
      ]);
    });

    it("prefers an explicit cancel_at over the period end", () => {
      const cancelAt = at("2026-11-30T00:00:00Z");
      const result = entitlementsFor(row({ cancelAt, cancelAtPeriodEnd: true }), options);
      expect(result.warnings).toEqual([{ kind: "cancels", cancelsAt: cancelAt }]);
    });

    it("gives a trialing subscription set to cancel both warnings", () => {
      const trialEnd = at("2026-11-27T12:00:00Z");
      const cancelAt = trialEnd;
      const result = entitlementsFor(row({ status: "trialing", trialEnd, cancelAt }), options);
      expect(result.warnings).toEqual([
        { kind: "trial_ending", trialEnd, daysLeft: 3 },
        { kind: "cancels", cancelsAt: cancelAt },
      ]);
    });
  });

  describe("grace period", () => {
    const paymentFailedAt = at("2026-11-22T08:30:00Z");
    const graceEndsAt = new Date(paymentFailedAt.getTime() + 3 * DAY);
    const pastDue = row({ status: "past_due", paymentFailedAt });
    const atTime = (now: Date) => entitlementsFor(pastDue, { now, gracePeriodDays: 3 });

    it("keeps the plan with a payment_failed warning until one millisecond before it ends", () => {
      const result = atTime(new Date(graceEndsAt.getTime() - 1));
      expect(result).toMatchObject({ tier: "pro", status: "past_due", source: "subscription" });
      expect(result.warnings).toEqual([{ kind: "payment_failed", graceEndsAt }]);
    });

    it("falls back to Free exactly when the grace period ends and after", () => {
      for (const now of [graceEndsAt, new Date(graceEndsAt.getTime() + 1)]) {
        expect(atTime(now)).toMatchObject({
          tier: "free",
          status: "past_due",
          source: "free",
          warnings: [],
        });
      }
    });

    it("gives no grace with a grace period of zero days", () => {
      const result = entitlementsFor(pastDue, { now: paymentFailedAt, gracePeriodDays: 0 });
      expect(result.source).toBe("free");
    });

    it("counts from the period start (the failed renewal) when the failure time is unknown", () => {
      const currentPeriodStart = at("2026-11-23T00:00:00Z");
      const result = entitlementsFor(
        row({ status: "past_due", paymentFailedAt: null, currentPeriodStart }),
        options,
      );
      expect(result.warnings).toEqual([
        { kind: "payment_failed", graceEndsAt: new Date(currentPeriodStart.getTime() + 3 * DAY) },
      ]);
    });

    it("counts from now when neither the failed payment time nor the period start is known", () => {
      const result = entitlementsFor(
        row({ status: "past_due", paymentFailedAt: null, currentPeriodStart: null }),
        options,
      );
      expect(result.warnings).toEqual([
        { kind: "payment_failed", graceEndsAt: new Date(NOW.getTime() + 3 * DAY) },
      ]);
    });
  });

  it("does not let callers change the catalog through the returned features", () => {
    const result = entitlementsFor(row(), options);
    result.features.sso = true;
    expect(PLANS.pro.features.sso).toBe(false);
  });
});

describe("pickCurrentSubscription", () => {
  const day = (n: number) => at(`2026-11-${String(n).padStart(2, "0")}T00:00:00Z`);

  it("returns null for no rows", () => {
    expect(pickCurrentSubscription([])).toBeNull();
  });

  it("prefers a subscription that grants access over a newer one that does not", () => {
    const active = row({ status: "active", createdAt: day(1) });
    const canceled = row({ status: "canceled", createdAt: day(20) });
    expect(pickCurrentSubscription([canceled, active])).toBe(active);
    expect(pickCurrentSubscription([active, canceled])).toBe(active);
  });

  it("prefers active or trialing over past_due, then the newest", () => {
    const pastDue = row({ status: "past_due", createdAt: day(20) });
    const trialing = row({ status: "trialing", createdAt: day(5) });
    const active = row({ status: "active", createdAt: day(3) });
    expect(pickCurrentSubscription([pastDue, active, trialing])).toBe(trialing);
  });

  it("prefers past_due over subscriptions that grant nothing", () => {
    const pastDue = row({ status: "past_due", createdAt: day(1) });
    const unpaid = row({ status: "unpaid", createdAt: day(20) });
    expect(pickCurrentSubscription([unpaid, pastDue])).toBe(pastDue);
  });

  it("picks the newest when none grants access, so the UI can say why", () => {
    const old = row({ status: "canceled", createdAt: day(1) });
    const newest = row({ status: "incomplete_expired", createdAt: day(9) });
    const middle = row({ status: "unpaid", createdAt: day(5) });
    expect(pickCurrentSubscription([old, newest, middle])).toBe(newest);
  });

  it("breaks a creation-time tie by id, whatever the input order", () => {
    const a = row({ id: "00000000-0000-4000-8000-00000000000a", createdAt: day(1) });
    const b = row({ id: "00000000-0000-4000-8000-00000000000b", createdAt: day(1) });
    expect(pickCurrentSubscription([a, b])).toBe(b);
    expect(pickCurrentSubscription([b, a])).toBe(b);
  });
});
