import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, isCalendarTime, parseCursor } from "./cursor";

const UUID = "0b5e3c1e-7d1a-4c53-9a57-2f0d6f1f8a11";
const AT = "2026-03-01T12:00:00.123456Z";
const raw = (text: string) => Buffer.from(text).toString("base64url");

describe("encodeCursor and decodeCursor", () => {
  it("give back the position they were made from, for uuid and text keys", () => {
    expect(decodeCursor(encodeCursor({ at: AT, id: UUID }), "uuid")).toEqual({ at: AT, id: UUID });
    expect(decodeCursor(encodeCursor({ at: AT, id: "evt_1Abc-2" }), "key")).toEqual({
      at: AT,
      id: "evt_1Abc-2",
    });
  });

  it("make opaque, URL-safe cursors", () => {
    expect(encodeCursor({ at: AT, id: UUID })).toMatch(/^[\w-]+$/);
  });

  it("refuse times that are not on the calendar or not to the microsecond", () => {
    for (const at of [
      "2026-02-30T00:00:00.000000Z",
      "2025-02-29T00:00:00.000000Z",
      "0000-01-01T00:00:00.000000Z",
      "2026-01-01T24:00:00.000000Z",
      "2026-01-01T23:59:60.000000Z",
      "2026-13-01T00:00:00.000000Z",
      "2026-01-01T00:00:00.000Z",
      "2026-01-01T00:00:00.000000+01:00",
      "yesterday",
    ]) {
      expect(decodeCursor(encodeCursor({ at, id: UUID }), "uuid"), at).toBeNull();
    }
    expect(
      decodeCursor(encodeCursor({ at: "2024-02-29T00:00:00.000000Z", id: UUID }), "uuid"),
    ).not.toBeNull();
  });

  it("refuse an id that is not of the list's kind", () => {
    for (const id of ["-".repeat(36), `${UUID}0`, "not-a-uuid", "evt_1"]) {
      expect(decodeCursor(encodeCursor({ at: AT, id }), "uuid"), id).toBeNull();
    }
    for (const id of ["evt_c'; drop table x", "a|b", "x".repeat(256), "ünïcode"]) {
      expect(decodeCursor(encodeCursor({ at: AT, id }), "key"), id).toBeNull();
    }
  });

  it("refuse what is not base64url, too long, or not a position at all", () => {
    expect(decodeCursor("%%%", "key")).toBeNull();
    expect(decodeCursor("not-a-cursor", "key")).toBeNull();
    expect(decodeCursor("", "key")).toBeNull();
    expect(decodeCursor(raw(`${AT}|`), "key")).toBeNull();
    expect(decodeCursor(raw(`${AT}|evt_1|evt_2`), "key")).toBeNull();
    expect(decodeCursor(raw(JSON.stringify([AT, "evt_1"])), "key")).toBeNull();
    expect(
      decodeCursor(`${encodeCursor({ at: AT, id: "evt_1" })}${"A".repeat(400)}`, "key"),
    ).toBeNull();
  });
});

describe("parseCursor", () => {
  it("throws a bad request naming the page link for a cursor that is not ours", () => {
    expect(() => parseCursor("not-a-cursor", "uuid")).toThrow(
      expect.objectContaining({
        code: "bad_request",
        status: 400,
        message: "The page link is not valid; start again from the first page.",
      }),
    );
    expect(parseCursor(encodeCursor({ at: AT, id: UUID }), "uuid")).toEqual({ at: AT, id: UUID });
  });
});

describe("isCalendarTime", () => {
  it("accepts real days and times from year 1 to 9999 only", () => {
    expect(isCalendarTime("0001-01-01T00:00:00Z")).toBe(true);
    expect(isCalendarTime("9999-12-31T23:59:59.999999Z")).toBe(true);
    expect(isCalendarTime("2026-04-31T00:00:00Z")).toBe(false);
    expect(isCalendarTime("0000-12-31T00:00:00Z")).toBe(false);
  });
});
