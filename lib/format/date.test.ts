import { describe, expect, it } from "vitest";
import {
  formatDate,
  formatDateTime,
  formatLongDate,
  formatMonth,
  formatShortDay,
  formatShortMonth,
  fromUnixSeconds,
  isoDate,
} from "./date";

/** 23:30 UTC is already the next day east of UTC and the same day west of it. */
const lateEvening = new Date("2026-01-05T23:30:00Z");

describe("formatDate", () => {
  it("shows the UTC calendar day, whatever the machine's time zone", () => {
    expect(formatDate(lateEvening)).toBe("Jan 5, 2026");
    expect(formatDate("2026-12-31T00:00:00.000Z")).toBe("Dec 31, 2026");
  });
});

describe("formatLongDate", () => {
  it("spells the month out for sentences, on the UTC day", () => {
    expect(formatLongDate(lateEvening)).toBe("January 5, 2026");
    expect(formatLongDate("2026-12-10T00:00:00Z")).toBe("December 10, 2026");
  });
});

describe("formatShortDay", () => {
  it("gives month and day without the year, reading a bare date as UTC", () => {
    expect(formatShortDay(lateEvening)).toBe("Jan 5");
    expect(formatShortDay("2026-07-01")).toBe("Jul 1");
  });
});

describe("formatMonth", () => {
  it("names the UTC month and its year", () => {
    expect(formatMonth("2026-07")).toBe("July 2026");
    expect(formatMonth(new Date("2026-07-31T23:59:59Z"))).toBe("July 2026");
  });
});

describe("formatShortMonth", () => {
  it("gives the UTC month's short name alone", () => {
    expect(formatShortMonth("2026-07")).toBe("Jul");
    expect(formatShortMonth(new Date("2026-12-31T23:59:59Z"))).toBe("Dec");
  });
});

describe("formatDateTime", () => {
  it("shows a 24-hour UTC time and says it is UTC", () => {
    expect(formatDateTime(lateEvening)).toBe("Jan 5, 2026, 23:30 UTC");
    expect(formatDateTime("2026-03-01T00:05:59Z")).toBe("Mar 1, 2026, 00:05 UTC");
  });

  it("refuses an invalid date rather than printing one", () => {
    expect(() => formatDateTime("not a date")).toThrow(RangeError);
  });
});

describe("fromUnixSeconds", () => {
  it("reads a Stripe timestamp in seconds, and keeps a missing one missing", () => {
    expect(fromUnixSeconds(1_767_655_800)).toEqual(lateEvening);
    expect(fromUnixSeconds(null)).toBeNull();
    expect(fromUnixSeconds(undefined)).toBeNull();
  });
});

describe("isoDate", () => {
  it("gives the ISO form of a Date or a string", () => {
    expect(isoDate("2026-01-05T23:30:00Z")).toBe("2026-01-05T23:30:00.000Z");
  });
});
