import { describe, expect, it } from "vitest";
import { planChangeKind } from "./change-plan-strategy";

describe("planChangeKind", () => {
  it("calls the same tier and period the same plan", () => {
    expect(
      planChangeKind({ tier: "pro", period: "monthly" }, { tier: "pro", period: "monthly" }),
    ).toBe("same");
  });

  it("calls a dearer plan per month an upgrade and a cheaper one a downgrade", () => {
    const pro = { tier: "pro", period: "monthly" } as const;
    const enterprise = { tier: "enterprise", period: "monthly" } as const;
    expect(planChangeKind(pro, enterprise)).toBe("upgrade");
    expect(planChangeKind(enterprise, pro)).toBe("downgrade");
    expect(planChangeKind({ tier: "enterprise", period: "yearly" }, pro)).toBe("downgrade");
    expect(planChangeKind({ tier: "pro", period: "yearly" }, enterprise)).toBe("upgrade");
  });

  it("compares what the plans cost for the subscription's members", () => {
    const pro = { tier: "pro", period: "monthly" } as const;
    const enterprise = { tier: "enterprise", period: "monthly" } as const;
    // 30 members: Pro $29 + 27 × $9 = $272, Enterprise $299 + 5 × $6 = $329.
    expect(planChangeKind(pro, enterprise, 30)).toBe("upgrade");
    // 100 members: Pro $29 + 97 × $9 = $902, Enterprise $299 + 75 × $6 = $749.
    expect(planChangeKind(pro, enterprise, 100)).toBe("downgrade");
    expect(planChangeKind(enterprise, pro, 100)).toBe("upgrade");
  });

  it("calls monthly to yearly an upgrade even when it is cheaper per month", () => {
    expect(
      planChangeKind({ tier: "pro", period: "monthly" }, { tier: "pro", period: "yearly" }),
    ).toBe("upgrade");
    expect(
      planChangeKind({ tier: "enterprise", period: "monthly" }, { tier: "pro", period: "yearly" }),
    ).toBe("upgrade");
  });

  it("counts a price outside the catalog as a monthly Free plan", () => {
    expect(planChangeKind({ tier: "free", period: null }, { tier: "pro", period: "monthly" })).toBe(
      "upgrade",
    );
  });
});
