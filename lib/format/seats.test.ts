import { describe, expect, it } from "vitest";
import { formatExtraSeatPrice, formatIncludedMembers, formatSeatTerms } from "./seats";

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
});
