import { describe, expect, it } from "vitest";
import { formatPlanPrice } from "@/lib/format/money";
import {
  getPlan,
  isPaidTier,
  isPlanTier,
  listPlans,
  lookupKeyFor,
  meteredLookupKeyFor,
  planByLookupKey,
  priceFor,
  stripeProductIdFor,
  yearlySaving,
  yearlySavingPercent,
} from "./plans";

describe("plan catalog", () => {
  it("offers Free, Pro and Enterprise, cheapest first", () => {
    expect(listPlans().map((plan) => plan.name)).toEqual(["Free", "Pro", "Enterprise"]);
  });

  it("prices the plans as Tollgate promises", () => {
    expect(formatPlanPrice("free", "monthly")).toBe("$0");
    expect(formatPlanPrice("pro", "monthly")).toBe("$29");
    expect(formatPlanPrice("pro", "yearly")).toBe("$290");
    expect(formatPlanPrice("enterprise", "monthly")).toBe("$299");
    expect(formatPlanPrice("enterprise", "yearly")).toBe("$2,990");
    expect(priceFor("pro", "monthly")).toBe(2900);
  });

  it("limits API calls per month to 100, 10,000 and 100,000", () => {
    expect(getPlan("free").limits.monthly.api_calls).toBe(100);
    expect(getPlan("pro").limits.monthly.api_calls).toBe(10_000);
    expect(getPlan("enterprise").limits.monthly.api_calls).toBe(100_000);
  });

  it("gives every higher tier at least the limits and features of the one below", () => {
    const plans = listPlans();
    for (let i = 1; i < plans.length; i++) {
      const [lower, higher] = [plans[i - 1], plans[i]];
      if (!lower || !higher) throw new Error("missing plan");
      for (const window of ["daily", "monthly"] as const) {
        for (const [metric, limit] of Object.entries(lower.limits[window])) {
          expect(
            higher.limits[window][metric as keyof (typeof lower.limits)[typeof window]],
          ).toBeGreaterThan(limit);
        }
      }
      for (const [feature, enabled] of Object.entries(lower.features)) {
        if (enabled) expect(higher.features[feature as keyof typeof lower.features]).toBe(true);
      }
    }
    expect(getPlan("enterprise").features.sso).toBe(true);
    expect(getPlan("pro").features.sso).toBe(false);
  });

  it("maps every paid tier and period to its lookup key and back", () => {
    expect(lookupKeyFor("pro", "monthly")).toBe("pro_monthly");
    expect(lookupKeyFor("enterprise", "yearly")).toBe("enterprise_yearly");
    for (const key of ["pro_monthly", "pro_yearly", "enterprise_monthly", "enterprise_yearly"]) {
      const found = planByLookupKey(key);
      expect(found).not.toBeNull();
      if (!found || !isPaidTier(found.plan.tier)) throw new Error(`no paid plan for ${key}`);
      expect(lookupKeyFor(found.plan.tier, found.period)).toBe(key);
    }
  });

  it("finds no plan for unknown or empty lookup keys", () => {
    expect(planByLookupKey("pro_weekly")).toBeNull();
    expect(planByLookupKey("")).toBeNull();
    expect(planByLookupKey(null)).toBeNull();
  });

  it("does not sell Free through checkout", () => {
    expect(isPaidTier("free")).toBe(false);
    expect(isPaidTier("pro")).toBe(true);
  });

  it("tells tiers apart from other strings", () => {
    expect(isPlanTier("pro")).toBe(true);
    expect(isPlanTier("toString")).toBe(false);
    expect(isPlanTier("platinum")).toBe(false);
  });

  it("computes the yearly saving against twelve monthly payments", () => {
    expect(yearlySaving("pro")).toBe(29 * 12 * 100 - 290 * 100);
    expect(yearlySavingPercent("pro")).toBe(17);
    expect(yearlySavingPercent("enterprise")).toBe(17);
    expect(yearlySavingPercent("free")).toBe(0);
  });

  it("names the Stripe product and the metered API-calls price of each paid tier", () => {
    expect(stripeProductIdFor("pro")).toBe("tollgate_pro");
    expect(meteredLookupKeyFor("pro")).toBe("pro_api_calls");
    expect(meteredLookupKeyFor("enterprise")).toBe("enterprise_api_calls");
  });
});
