import { describe, expect, it } from "vitest";
import { limitError, upgradeFor } from "./limits";
import { usageWindow } from "./windows";

const GB = 1024 ** 3;
const now = new Date("2026-11-25T10:00:00Z");

describe("upgradeFor", () => {
  it("names the cheapest higher plan whose limit allows the amount, or none", () => {
    expect(upgradeFor("free", "api_calls", 101)).toBe("pro");
    expect(upgradeFor("free", "api_calls", 10_001)).toBe("enterprise");
    expect(upgradeFor("pro", "matches_performed", 1_001)).toBe("enterprise");
    expect(upgradeFor("enterprise", "api_calls", 100_001)).toBeNull();
    expect(upgradeFor("free", "api_calls", 100_001)).toBeNull();
  });
});

describe("limitError", () => {
  it("asks to free up space when storage is over the top plan's limit", () => {
    const error = limitError({
      metric: "storage_bytes",
      tier: "enterprise",
      limit: 500 * GB,
      used: 10 * GB,
      needed: 501 * GB,
      window: usageWindow("storage_bytes", now),
      now,
    });
    expect(error.status).toBe(429);
    expect(error.message).toBe(
      "501 GB of storage is more than the 500 GB of storage your plan allows. Free up space first.",
    );
    expect(error.details).toMatchObject({ requested: 501 * GB, resetsAt: null });
    expect(error.headers).toBeUndefined();
  });

  it("says when a daily count resets, and names the record of a batch", () => {
    const error = limitError({
      metric: "videos_processed",
      tier: "enterprise",
      limit: 1_000,
      used: 998,
      needed: 1_003,
      window: usageWindow("videos_processed", now),
      now,
      index: 4,
    });
    expect(error.message).toBe(
      "Record 4: You have used 998 of your 1,000 videos processed a day; this would go past " +
        "the limit. The count resets at 2026-11-26T00:00:00.000Z.",
    );
    expect(error.details).toMatchObject({ index: 4, requested: 5 });
    expect(error.headers).toEqual({ "Retry-After": String(14 * 3600) });
  });
});
