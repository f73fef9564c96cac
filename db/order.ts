import { type AnyColumn, type SQL, sql } from "drizzle-orm";

/**
 * `column DESC NULLS LAST`: the order drizzle-kit gives `.desc()` index columns. A bare
 * `desc(column)` means NULLS FIRST, and Postgres will not walk an index whose null placement
 * differs (even on a NOT NULL column) — it sorts the whole table instead.
 */
export function descIndexed(column: AnyColumn): SQL {
  return sql`${column} desc nulls last`;
}
