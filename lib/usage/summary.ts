import "server-only";
import { and, desc, eq, gte, lt, sum } from "drizzle-orm";
import type { Database } from "@/db";
import { usageRecords } from "@/db/schema";
import { METRICS, type Metric, type Plan } from "@/lib/billing/catalog/plans";
import { backdatingReachMs, MAX_RECORD_AHEAD_MINUTES } from "./input";
import { type UsageWindow, usageWindow } from "./windows";

export interface MetricUsage {
  metric: Metric;
  used: number;
  limit: number;
  window: UsageWindow;
}

/** The plan's limit for a metric (daily metrics in `limits.daily`, the rest monthly). */
export function limitFor(limits: Plan["limits"], metric: Metric): number {
  switch (metric) {
    case "videos_processed":
    case "matches_performed":
      return limits.daily[metric];
    case "api_calls":
    case "storage_bytes":
      return limits.monthly[metric];
    default: {
      const unknown: never = metric;
      throw new Error(`no limit for ${String(unknown)}`);
    }
  }
}

/**
 * How much of a metric a user has used in `window`, from their own ledger rows only: for counted
 * metrics the sum of the records *recorded* in the window (by `created_at`), whatever time they
 * carry — a record dated into an earlier window (see `earliestOccurredAt`) counts where it was
 * recorded, so backdating never reaches a window whose count is no longer checked; for storage
 * (a level) the latest reported value.
 *
 * The `occurred_at` bounds add nothing to the result (a record recorded in the window is dated
 * at most `backdatingReachMs` before it and MAX_RECORD_AHEAD_MINUTES after it): they let the
 * (user, metric, occurred_at) index find the rows.
 */
export async function usedInWindow(
  db: Database,
  workspaceId: string,
  metric: Metric,
  window: UsageWindow,
): Promise<number> {
  if (window.kind === "level") {
    const [latest] = await db
      .select({ quantity: usageRecords.quantity })
      .from(usageRecords)
      .where(and(eq(usageRecords.workspaceId, workspaceId), eq(usageRecords.metric, metric)))
      .orderBy(desc(usageRecords.occurredAt), desc(usageRecords.createdAt))
      .limit(1);
    return latest?.quantity ?? 0;
  }
  const [row] = await db
    .select({ used: sum(usageRecords.quantity).mapWith(Number) })
    .from(usageRecords)
    .where(
      and(
        eq(usageRecords.workspaceId, workspaceId),
        eq(usageRecords.metric, metric),
        gte(usageRecords.occurredAt, new Date(window.start.getTime() - backdatingReachMs(metric))),
        lt(
          usageRecords.occurredAt,
          new Date(window.end.getTime() + MAX_RECORD_AHEAD_MINUTES * 60_000),
        ),
        gte(usageRecords.createdAt, window.start),
        lt(usageRecords.createdAt, window.end),
      ),
    );
  return row?.used ?? 0;
}

/** Every metric's use against the plan's limits at `now`. */
export async function usageSummary(
  db: Database,
  workspaceId: string,
  limits: Plan["limits"],
  now: Date = new Date(),
): Promise<MetricUsage[]> {
  return Promise.all(
    METRICS.map(async (metric) => {
      const window = usageWindow(metric, now);
      return {
        metric,
        used: await usedInWindow(db, workspaceId, metric, window),
        limit: limitFor(limits, metric),
        window,
      };
    }),
  );
}
