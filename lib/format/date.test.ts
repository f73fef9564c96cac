import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, isoDate } from "./date";

describe("formatDate", () => {
  it("shows the UTC calendar day, whatever the machine's time zone", () => {
    expect(formatDate(new Date("2026-01-05T23:30:00Z"))).toBe("Jan 5, 2026");
    expect(formatDate("2026-12-31T00:00:00.000Z")).toBe("Dec 31, 2026");
  });
});

describe("formatDateTime", () => {
  it("shows a 24-hour UTC time and says it is UTC", () => {
    expect(formatDateTime(new Date("2026-01-05T23:30:00Z"))).toBe("Jan 5, 2026, 23:30 UTC");
    expect(formatDateTime("2026-03-01T00:05:59Z")).toBe("Mar 1, 2026, 00:05 UTC");
  });
});

describe("isoDate", () => {
  it("gives the ISO form of a Date or a string", () => {
    expect(isoDate("2026-01-05T23:30:00Z")).toBe("2026-01-05T23:30:00.000Z");
  });
});
