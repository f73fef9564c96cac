import { sql } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_STATUSES, type WebhookEventStatus, webhookEvents } from "@/db/schema";
import { encodeCursor } from "@/lib/http/cursor";
import { type BillingTest, useBillingTest } from "@/lib/testing/billing";
import {
  listWebhookEvents,
  parseWebhookEventsQuery,
  type WebhookEventsQuery,
} from "./webhook-events";

const billing = useBillingTest();
let db: BillingTest["db"];

beforeAll(() => {
  db = billing.db;
});

/**
 * Inserts events whose `received_at` is `2026-07-01 00:00:00` plus `micros` microseconds,
 * written by Postgres itself so the microseconds are kept.
 */
async function insertEvents(
  events: { id: string; micros: number; status?: WebhookEventStatus }[],
): Promise<void> {
  for (const event of events) {
    await db.execute(
      sql`insert into webhook_events (id, type, created, received_at, status, payload)
          values (${event.id}, 'invoice.paid', '2026-07-01T00:00:00Z',
                  '2026-07-01T00:00:00Z'::timestamptz + ${event.micros} * interval '1 microsecond',
                  ${event.status ?? "received"}, '{}'::jsonb)`,
    );
  }
}

/** Every page from the first, following `nextCursor`. */
async function allPages(query: WebhookEventsQuery, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor = query.cursor;
  for (let guard = 0; guard < 100; guard++) {
    const page = await listWebhookEvents(db, { ...query, cursor, limit });
    pages.push(page.events.map((event) => event.id));
    if (!page.nextCursor) return pages;
    const next = parseWebhookEventsQuery({ cursor: page.nextCursor });
    if (!next?.cursor) throw new Error("the next cursor does not parse");
    cursor = next.cursor;
  }
  throw new Error("pagination did not end");
}

describe("listWebhookEvents", () => {
  beforeEach(async () => {
    await db.delete(webhookEvents);
  });

  it("pages newest first, breaking ties on received_at by id, within one millisecond", async () => {
    await insertEvents([
      { id: "evt_a", micros: 250 },
      { id: "evt_b", micros: 250 },
      { id: "evt_c", micros: 250 },
      { id: "evt_d", micros: 40 },
      { id: "evt_e", micros: 100 },
      { id: "evt_f", micros: 100 },
    ]);
    // Three events share a timestamp across the first page's end, two the second's.
    expect(await allPages({}, 2)).toEqual([
      ["evt_c", "evt_b"],
      ["evt_a", "evt_f"],
      ["evt_e", "evt_d"],
    ]);
  });

  it("returns 50 a page by default, and every event exactly once across the pages", async () => {
    // 130 events, four to a microsecond: all of them inside a single millisecond.
    const events = Array.from({ length: 130 }, (_, index) => ({
      id: `evt_${String(index).padStart(3, "0")}`,
      micros: Math.floor(index / 4),
      status: WEBHOOK_EVENT_STATUSES[index % WEBHOOK_EVENT_STATUSES.length],
    }));
    await insertEvents(events);

    const first = await listWebhookEvents(db);
    expect(first.events).toHaveLength(50);
    expect(first.events[0]?.id).toBe("evt_129");
    expect(first.nextCursor).not.toBeNull();

    const pages = await allPages({}, 50);
    expect(pages.map((page) => page.length)).toEqual([50, 50, 30]);
    const expected = [...events]
      .sort((a, b) => b.micros - a.micros || (a.id < b.id ? 1 : -1))
      .map((event) => event.id);
    expect(pages.flat()).toEqual(expected);
    expect(new Set(pages.flat()).size).toBe(130);
  });

  it("filters by status, and keeps the filter across pages", async () => {
    await insertEvents([
      { id: "evt_1", micros: 1, status: "failed" },
      { id: "evt_2", micros: 2, status: "processed" },
      { id: "evt_3", micros: 3, status: "failed" },
      { id: "evt_4", micros: 3, status: "failed" },
      { id: "evt_5", micros: 5, status: "ignored" },
      { id: "evt_6", micros: 6, status: "failed" },
    ]);
    expect(await allPages({ status: "failed" }, 2)).toEqual([
      ["evt_6", "evt_4"],
      ["evt_3", "evt_1"],
    ]);
    expect(await allPages({ status: "ignored" }, 50)).toEqual([["evt_5"]]);
    expect(await allPages({ status: "received" }, 50)).toEqual([[]]);
  });

  it("lists what the ledger knows about each event", async () => {
    await db.insert(webhookEvents).values({
      id: "evt_full",
      type: "invoice.payment_failed",
      created: new Date("2026-07-01T10:00:00Z"),
      receivedAt: new Date("2026-07-01T10:00:01Z"),
      status: "failed",
      attempts: 3,
      lastError: "connection reset",
      stripeCustomerId: "cus_123",
      payload: {},
    });
    const { events, nextCursor } = await listWebhookEvents(db, { status: "failed" });
    expect(events).toEqual([
      {
        id: "evt_full",
        type: "invoice.payment_failed",
        status: "failed",
        attempts: 3,
        lastError: "connection reset",
        stripeCustomerId: "cus_123",
        created: new Date("2026-07-01T10:00:00Z"),
        receivedAt: new Date("2026-07-01T10:00:01Z"),
        processedAt: null,
      },
    ]);
    expect(nextCursor).toBeNull();
  });
});

describe("parseWebhookEventsQuery", () => {
  const cursorOf = ([at, id]: [string, string]) => encodeCursor({ at, id });

  it("accepts a known status, no status, and a cursor the list made", () => {
    expect(parseWebhookEventsQuery({})).toEqual({});
    expect(parseWebhookEventsQuery({ status: "", cursor: "" })).toEqual({});
    expect(parseWebhookEventsQuery({ status: ["failed", "processed"] })).toEqual({
      status: "failed",
    });
    expect(
      parseWebhookEventsQuery({ cursor: cursorOf(["2026-07-01T00:00:00.000250Z", "evt_c"]) }),
    ).toEqual({ cursor: { at: "2026-07-01T00:00:00.000250Z", id: "evt_c" } });
  });

  it("refuses an unknown status and a malformed or tampered cursor", () => {
    expect(parseWebhookEventsQuery({ status: "exploded" })).toBeNull();
    expect(parseWebhookEventsQuery({ cursor: "not-a-cursor" })).toBeNull();
    expect(parseWebhookEventsQuery({ cursor: cursorOf(["yesterday", "evt_c"]) })).toBeNull();
    expect(
      parseWebhookEventsQuery({ cursor: cursorOf(["2026-02-30T00:00:00.000250Z", "evt_c"]) }),
    ).toBeNull();
    expect(
      parseWebhookEventsQuery({ cursor: cursorOf(["2026-07-01T00:00:00.000Z", "evt_c"]) }),
    ).toBeNull();
    expect(
      parseWebhookEventsQuery({
        cursor: cursorOf(["2026-07-01T00:00:00.000250Z", "evt_c'; drop table x"]),
      }),
    ).toBeNull();
  });
});
