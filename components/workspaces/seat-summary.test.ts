import { describe, expect, it } from "vitest";
import { seatSummaryParts } from "./seat-summary";

describe("seatSummaryParts", () => {
  it("says members, included and billed extra seats on a paid plan", () => {
    const parts = seatSummaryParts({
      tier: "enterprise",
      members: 27,
      included: 25,
      limit: null,
      billed: 27,
      billedExtra: 2,
    });
    expect(parts.join(" · ")).toBe("27 members · 25 included · 2 billed extra");
  });

  it("says the cap on Free, where nothing is billed", () => {
    const parts = seatSummaryParts({
      tier: "free",
      members: 1,
      included: 2,
      limit: 2,
      billed: null,
      billedExtra: null,
    });
    expect(parts.join(" · ")).toBe("1 member · up to 2 on Free");
  });
});
