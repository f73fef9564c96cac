import postgres from "postgres";

/**
 * The bare app's one postgres.js pool, as large as Tollgate's (db/postgres-client.ts: 10), kept
 * on globalThis so every route module shares it.
 */
const holder = globalThis as typeof globalThis & { bareSql?: postgres.Sql };

export function sql(): postgres.Sql {
  if (!holder.bareSql) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("the bare app needs DATABASE_URL");
    holder.bareSql = postgres(url, { max: 10, onnotice: () => {} });
  }
  return holder.bareSql;
}

export interface InvoiceRow {
  id: string;
  number: string | null;
  status: string;
  customer_email: string | null;
  currency: string;
  total: number;
  created: Date;
  cursor_at: string;
}

/** Tollgate's cursor format (lib/http/cursor.ts): base64url of `<UTC ISO, 6 digits>|<uuid>`. */
export function decodeCursor(cursor: string): { at: string; id: string } | null {
  const match = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|([0-9a-f-]{36})$/.exec(
    Buffer.from(cursor, "base64url").toString("utf8"),
  );
  return match?.[1] && match[2] ? { at: match[1], id: match[2] } : null;
}

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString("base64url");
}

export const PAGE_ROWS = 25;
