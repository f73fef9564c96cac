import { describe, expect, it } from "vitest";
import {
  formatExtraSeatPrice,
  formatIncludedMembers,
  formatPlanAmountPer,
  formatSeatTerms,
} from "./seats";

describe("seat terms for people", () => {
  it("caps Free at 2 members whatever the period", () => {
    expect(formatSeatTerms("free", "monthly")).toBe("Up to 2 members");
    expect(formatSeatTerms("free", "yearly")).toBe("Up to 2 members");
    expect(formatIncludedMembers("free")).toBe("Up to 2");
    expect(formatExtraSeatPrice("free", "monthly")).toBeNull();
  });

  it("states the included members and the price of each further one per period", () => {
    expect(formatSeatTerms("pro", "monthly")).toBe(
      "Includes 3 members, then $9 per member / month",
    );
    expect(formatSeatTerms("pro", "yearly")).toBe("Includes 3 members, then $90 per member / year");
    expect(formatSeatTerms("enterprise", "monthly")).toBe(
      "Includes 25 members, then $6 per member / month",
    );
    expect(formatSeatTerms("enterprise", "yearly")).toBe(
      "Includes 25 members, then $60 per member / year",
    );
    expect(formatIncludedMembers("enterprise")).toBe("25");
    expect(formatExtraSeatPrice("pro", "yearly")).toBe("$90");
  });

  it("prices a plan for its members, naming them once some are billed beyond the plan", () => {
    expect(formatPlanAmountPer("pro", "monthly", 1)).toBe("$29/month");
    expect(formatPlanAmountPer("pro", "monthly", 3)).toBe("$29/month");
    expect(formatPlanAmountPer("pro", "monthly", 4)).toBe("$38/month for 4 members");
    expect(formatPlanAmountPer("pro", "yearly", 5)).toBe("$470/year for 5 members");
    expect(formatPlanAmountPer("enterprise", "yearly", 27)).toBe("$3,110/year for 27 members");
  });
});
