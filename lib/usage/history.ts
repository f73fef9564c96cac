import "server-only";
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { usageRecords } from "@/db/schema";
import { METRICS, type Metric } from "@/lib/billing/catalog/plans";
import { DAY_MS, utcDayOf } from "./windows";

export interface DailyPoint {
  /** The UTC day, "2026-11-25". */
  day: string;
  value: number;
}

/**
 * A user's usage per UTC day over the `days` days ending with `now`'s day, for every metric:
 * the day's total for counted metrics; for storage (a level) the highest level reported that
 * day, or the level carried over from before when nothing was reported. Every day is present.
 */
export async function dailyUsage(
  db: Database,
  workspaceId: string,
  now: Date,
  days = 30,
): Promise<Record<Metric, DailyPoint[]>> {
  const { end } = utcDayOf(now);
  const start = new Date(end.getTime() - days * DAY_MS);
  const dayColumn = sql<string>`to_char(${usageRecords.occurredAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const rows = await db
    .select({
      metric: usageRecords.metric,
      day: dayColumn,
      total: sql<string>`sum(${usageRecords.quantity})`,
      peak: sql<string>`max(${usageRecords.quantity})`,
    })
    .from(usageRecords)
    .where(
      and(
        eq(usageRecords.workspaceId, workspaceId),
        gte(usageRecords.occurredAt, start),
        lt(usageRecords.occurredAt, end),
      ),
    )
    .groupBy(usageRecords.metric, dayColumn);
  const [before] = await db
    .select({ quantity: usageRecords.quantity })
    .from(usageRecords)
    .where(
      and(
        eq(usageRecords.workspaceId, workspaceId),
        eq(usageRecords.metric, "storage_bytes"),
        lt(usageRecords.occurredAt, start),
      ),
    )
    .orderBy(desc(usageRecords.occurredAt))
    .limit(1);

  const found = new Map(rows.map((row) => [`${row.metric}:${row.day}`, row]));
  const result = {} as Record<Metric, DailyPoint[]>;
  for (const metric of METRICS) {
    let level = before?.quantity ?? 0;
    result[metric] = Array.from({ length: days }, (_, index) => {
      const day = new Date(start.getTime() + index * DAY_MS).toISOString().slice(0, 10);
      const row = found.get(`${metric}:${day}`);
      if (metric === "storage_bytes") {
        if (row) level = Number(row.peak);
        return { day, value: level };
      }
      return { day, value: row ? Number(row.total) : 0 };
    });
  }
  return result;
}
