import { describe, expect, it } from "vitest";
import { invoices } from "@/db/schema";
import {
  decodeCursor,
  encodeCursor,
  INVALID_CURSOR_MESSAGE,
  isCalendarTime,
  keyset,
  parseCursor,
} from "./cursor";

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

describe("keyset", () => {
  const list = keyset({ time: invoices.created, id: invoices.id }, "uuid");
  const row = (n: number) => ({ n, cursorAt: `2026-03-0${n}T12:00:00.000000Z`, cursorId: UUID });

  it("cuts a fetch of limit + 1 rows into the page and the cursor after its last row", () => {
    const page = list.page([row(3), row(2), row(1)], 2);
    expect(page.rows).toEqual([{ n: 3 }, { n: 2 }]);
    expect(page.next).toEqual({ at: "2026-03-02T12:00:00.000000Z", id: UUID });
    expect(page.nextCursor && decodeCursor(page.nextCursor, "uuid")).toEqual(page.next);
  });

  it("has no next cursor on the last page", () => {
    expect(list.page([row(2), row(1)], 2)).toMatchObject({ next: null, nextCursor: null });
    expect(list.page([], 2)).toEqual({ rows: [], next: null, nextCursor: null });
  });

  it("reads a cursor as a position, none as no condition, and refuses a bad one", () => {
    expect(list.parse(undefined)).toBeNull();
    expect(list.after(null)).toBeUndefined();
    expect(list.parse(encodeCursor({ at: AT, id: UUID }))).toEqual({ at: AT, id: UUID });
    expect(() => list.parse("not-a-cursor")).toThrow(INVALID_CURSOR_MESSAGE);
    expect(list.schema.safeParse("not-a-cursor").error?.issues[0]?.message).toBe(
      INVALID_CURSOR_MESSAGE,
    );
  });
});
