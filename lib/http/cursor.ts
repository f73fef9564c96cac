import "server-only";
import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { descIndexed } from "@/db/order";
import { AppError } from "@/lib/errors";

/**
 * Keyset pagination, for every list that pages (a user's invoices, the admin invoices,
 * customers and webhook events): the cursor, the order, the "after" condition and the page.
 *
 * A list is newest first by a timestamp, ties broken by id (`keyset`). Its cursor is an opaque
 * position in that order, base64url of `<timestamp>|<id>`. The timestamp is UTC ISO 8601 with
 * microseconds, as Postgres stores it: a millisecond cursor would skip or repeat rows created
 * within the same millisecond.
 *
 * A cursor comes back from the address bar, so decoding checks everything the query relies on
 * (a real calendar time, an id of the column's kind) and a bad one is a 400, never a database
 * error. A cursor only names a position: the list's own conditions (its user, its filter)
 * still apply after it.
 */

export interface CursorPosition {
  /** UTC ISO 8601 with six fractional digits: `2026-03-01T12:00:00.123456Z`. */
  at: string;
  id: string;
}

/** `uuid` for uuid primary keys; `key` for text keys such as Stripe event ids and user ids. */
export type CursorIdKind = "uuid" | "key";

const ID_PATTERNS: Record<CursorIdKind, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  key: /^[A-Za-z0-9_-]{1,255}$/,
};

const POSITION_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|(.+)$/;
/** Longer than any cursor `encodeCursor` makes (27 + 1 + 255 characters, in base64). */
const MAX_CURSOR_LENGTH = 400;

export const INVALID_CURSOR_MESSAGE =
  "The page link is not valid; start again from the first page.";

/**
 * `value` (an ISO 8601 UTC date or time) is a real instant Postgres accepts: no February 30th,
 * no hour 24, no year 0.
 */
export function isCalendarTime(value: string): boolean {
  const parsed = new Date(value);
  return (
    !Number.isNaN(parsed.getTime()) &&
    parsed.getUTCFullYear() >= 1 &&
    parsed.toISOString().startsWith(value.slice(0, 19))
  );
}

/** `column` as a cursor's timestamp: UTC ISO 8601 with all six digits of microseconds. */
function cursorTime(column: AnyColumn): SQL<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export function encodeCursor({ at, id }: CursorPosition): string {
  return Buffer.from(`${at}|${id}`).toString("base64url");
}

/** The position `cursor` names, or null when it is not one `encodeCursor` made for this kind. */
export function decodeCursor(cursor: string, idKind: CursorIdKind): CursorPosition | null {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[\w-]+$/.test(cursor)) return null;
  const match = POSITION_PATTERN.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  const at = match?.[1];
  const id = match?.[2];
  if (!at || !id || !isCalendarTime(at) || !ID_PATTERNS[idKind].test(id)) return null;
  return { at, id };
}

/** As `decodeCursor`; a bad cursor throws `bad_request` (400). */
export function parseCursor(cursor: string, idKind: CursorIdKind): CursorPosition {
  const position = decodeCursor(cursor, idKind);
  if (!position) throw new AppError("bad_request", INVALID_CURSOR_MESSAGE);
  return position;
}

/** What a keyset list selects beside its own columns, for the cursor of its last row. */
export interface CursorColumns {
  cursorAt: SQL<string>;
  cursorId: SQL<string>;
}

export interface KeysetPage<Row> {
  rows: Row[];
  /** The position of the page's last row when more rows follow; null on the last page. */
  next: CursorPosition | null;
  /** `next` encoded, to hand to the client. */
  nextCursor: string | null;
}

/**
 * One keyset list: newest first by `time`, ties by `id`, as a `(…, time desc, id desc)` index
 * holds them. A query selects `columns` beside its own, filters with `after`, orders by
 * `order`, fetches `limit + 1` rows, and `page` cuts them into the page and the next cursor.
 */
export interface Keyset {
  columns: CursorColumns;
  /**
   * `time desc nulls last, id desc nulls last`: spelled as drizzle-kit writes `.desc()` index
   * columns (db/order.ts), so Postgres walks the index instead of sorting the table.
   */
  order: SQL[];
  /**
   * Rows after `position` (every row without one): one row comparison, which Postgres walks on
   * the same index.
   */
  after(position: CursorPosition | null | undefined): SQL | undefined;
  /** The position a client's cursor names; null without one; throws `bad_request` (400) for a bad one. */
  parse(cursor: string | null | undefined): CursorPosition | null;
  /** A query-string cursor as a position; a bad one fails with INVALID_CURSOR_MESSAGE. */
  schema: z.ZodType<CursorPosition, string>;
  /** The first `limit` of `rows` (fetched with `limit + 1`), without the cursor columns. */
  page<Row extends { cursorAt: string; cursorId: string }>(
    rows: readonly Row[],
    limit: number,
  ): KeysetPage<Omit<Row, keyof CursorColumns>>;
}

export function keyset(columns: { time: AnyColumn; id: AnyColumn }, idKind: CursorIdKind): Keyset {
  const { time, id } = columns;
  return {
    columns: { cursorAt: cursorTime(time), cursorId: sql<string>`${id}::text` },
    order: [descIndexed(time), descIndexed(id)],
    after(position) {
      if (!position) return undefined;
      const at = idKind === "uuid" ? sql`${position.id}::uuid` : sql`${position.id}`;
      return sql`(${time}, ${id}) < (${position.at}::timestamptz, ${at})`;
    },
    parse: (cursor) => (cursor ? parseCursor(cursor, idKind) : null),
    schema: z.string().transform((cursor, context) => {
      const position = decodeCursor(cursor, idKind);
      if (position) return position;
      context.addIssue({ code: "custom", message: INVALID_CURSOR_MESSAGE });
      return z.NEVER;
    }),
    page(rows, limit) {
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const next = rows.length > limit && last ? { at: last.cursorAt, id: last.cursorId } : null;
      return {
        rows: page.map(({ cursorAt: _at, cursorId: _id, ...row }) => row),
        next,
        nextCursor: next ? encodeCursor(next) : null,
      };
    },
  };
}
