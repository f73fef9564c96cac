import { describe, expect, it } from "vitest";
import { lockedOutMessage } from "./sign-in-lockout-message";

describe("lockedOutMessage", () => {
  it("says when to try again and points to a sign-in link when those are offered", () => {
    expect(lockedOutMessage(540, true)).toBe(
      "Too many failed sign-in attempts. Try again in 9 minutes, or use a sign-in link (below).",
    );
    expect(lockedOutMessage(30, false)).toBe(
      "Too many failed sign-in attempts. Try again in a minute.",
    );
    expect(lockedOutMessage(null, true)).toBe(
      "Too many failed sign-in attempts. Try again later, or use a sign-in link (below).",
    );
  });
});
