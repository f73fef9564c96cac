import { describe, expect, it } from "vitest";
import { formatPlanPrice } from "@/lib/format/money";
import {
  allowsMembers,
  extraSeatAmount,
  extraSeats,
  getPlan,
  includedSeats,
  isPaidTier,
  isPlanTier,
  listPlans,
  lookupKeyFor,
  memberLimit,
  meteredLookupKeyFor,
  PLAN_TIERS,
  planAmount,
  planByLookupKey,
  priceFor,
  seatPricing,
  seatTerms,
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

describe("seats", () => {
  it("lets Free take up to 2 members and paid plans any number", () => {
    expect(seatTerms("free")).toEqual({ maxMembers: 2 });
    expect(memberLimit("free")).toBe(2);
    expect(memberLimit("pro")).toBeNull();
    expect(memberLimit("enterprise")).toBeNull();
    expect(allowsMembers("free", 2)).toBe(true);
    expect(allowsMembers("free", 3)).toBe(false);
    expect(allowsMembers("pro", 1_000)).toBe(true);
  });

  it("includes 3 members in Pro and 25 in Enterprise, then charges $9 or $6 a month per member", () => {
    expect(includedSeats("free")).toBe(2);
    expect(includedSeats("pro")).toBe(3);
    expect(includedSeats("enterprise")).toBe(25);
    expect(extraSeatAmount("pro", "monthly")).toBe(900);
    expect(extraSeatAmount("pro", "yearly")).toBe(9000);
    expect(extraSeatAmount("enterprise", "monthly")).toBe(600);
    expect(extraSeatAmount("enterprise", "yearly")).toBe(6000);
  });

  it("counts only the members beyond the included ones as extra seats", () => {
    expect([0, 1, 3, 4, 10].map((members) => extraSeats("pro", members))).toEqual([0, 0, 0, 1, 7]);
    expect(extraSeats("enterprise", 25)).toBe(0);
    expect(extraSeats("enterprise", 27)).toBe(2);
    // Free caps members rather than billing them.
    expect(extraSeats("free", 5)).toBe(0);
  });

  it("prices a plan for its members: the base price, then each further member", () => {
    expect(planAmount("pro", "monthly", 1)).toBe(2900);
    expect(planAmount("pro", "monthly", 3)).toBe(2900);
    expect(planAmount("pro", "monthly", 4)).toBe(2900 + 900);
    expect(planAmount("pro", "monthly", 5)).toBe(2900 + 2 * 900);
    expect(planAmount("pro", "yearly", 4)).toBe(29_000 + 9000);
    expect(planAmount("enterprise", "monthly", 25)).toBe(29_900);
    expect(planAmount("enterprise", "monthly", 30)).toBe(29_900 + 5 * 600);
    expect(planAmount("enterprise", "yearly", 27)).toBe(299_000 + 2 * 6000);
    expect(planAmount("free", "monthly", 2)).toBe(0);
  });

  it("charges a year of an extra seat as ten months, like the base price", () => {
    for (const tier of PLAN_TIERS.filter(isPaidTier)) {
      expect(priceFor(tier, "yearly")).toBe(priceFor(tier, "monthly") * 10);
      expect(seatPricing(tier).extraMember.yearly).toBe(seatPricing(tier).extraMember.monthly * 10);
    }
  });

  it("refuses a number of members that is not a whole number, 0 or more", () => {
    expect(() => planAmount("pro", "monthly", -1)).toThrow(RangeError);
    expect(() => extraSeats("pro", 2.5)).toThrow(RangeError);
    expect(() => allowsMembers("free", Number.NaN)).toThrow(RangeError);
  });
});
