import { describe, expect, it } from "vitest";
import { usageWindow, utcDayOf, utcMonthOf } from "./windows";

describe("usageWindow", () => {
  it("counts api calls over the calendar month in UTC", () => {
    expect(usageWindow("api_calls", new Date("2026-11-30T23:59:59.999Z"))).toEqual({
      kind: "month",
      start: new Date("2026-11-01T00:00:00Z"),
      end: new Date("2026-12-01T00:00:00Z"),
    });
    expect(usageWindow("api_calls", new Date("2026-12-01T00:00:00Z")).start).toEqual(
      new Date("2026-12-01T00:00:00Z"),
    );
  });

  it("rolls December over into January of the next year", () => {
    expect(usageWindow("api_calls", new Date("2026-12-31T12:00:00Z")).end).toEqual(
      new Date("2027-01-01T00:00:00Z"),
    );
  });

  it("counts videos and matches over the UTC day, whatever the local offset of the input", () => {
    expect(usageWindow("videos_processed", new Date("2026-11-25T23:30:00-05:00"))).toEqual({
      kind: "day",
      start: new Date("2026-11-26T00:00:00Z"),
      end: new Date("2026-11-27T00:00:00Z"),
    });
    expect(usageWindow("matches_performed", new Date("2026-02-28T00:00:00Z")).end).toEqual(
      new Date("2026-03-01T00:00:00Z"),
    );
  });

  it("treats storage as a level capped by the month's plan", () => {
    expect(usageWindow("storage_bytes", new Date("2026-11-25T10:00:00Z"))).toEqual({
      kind: "level",
      start: new Date("2026-11-01T00:00:00Z"),
      end: new Date("2026-12-01T00:00:00Z"),
    });
  });
});

describe("utcDayOf and utcMonthOf", () => {
  it("span the UTC calendar day and month of an instant, whatever its offset", () => {
    expect(utcDayOf(new Date("2026-11-25T23:30:00-05:00"))).toEqual({
      start: new Date("2026-11-26T00:00:00Z"),
      end: new Date("2026-11-27T00:00:00Z"),
    });
    expect(utcMonthOf(new Date("2026-12-31T23:59:59Z"))).toEqual({
      start: new Date("2026-12-01T00:00:00Z"),
      end: new Date("2027-01-01T00:00:00Z"),
    });
  });

  it("count months back and ahead across a year end", () => {
    expect(utcMonthOf(new Date("2026-01-15T00:00:00Z"), -1)).toEqual({
      start: new Date("2025-12-01T00:00:00Z"),
      end: new Date("2026-01-01T00:00:00Z"),
    });
    expect(utcMonthOf(new Date("2026-12-15T00:00:00Z"), 1).start).toEqual(
      new Date("2027-01-01T00:00:00Z"),
    );
  });
});
