import { DAILY_METRICS, type DailyMetric, type Metric } from "@/lib/billing/catalog/plans";

/**
 * The window a metric's limit counts over, in UTC: a calendar month for api_calls, a day for
 * videos_processed and matches_performed. storage_bytes is a level (the latest reported value),
 * not a count: its "window" is the month whose plan caps it, and it never resets by itself.
 */
export interface UsageWindow {
  kind: "day" | "month" | "level";
  /** Inclusive. */
  start: Date;
  /** Exclusive: when the count starts again from zero (for a level, when the cap is re-read). */
  end: Date;
}

export function isDailyMetric(metric: Metric): metric is DailyMetric {
  return (DAILY_METRICS as readonly string[]).includes(metric);
}

/** Pure: the window that contains `now` for `metric`. */
export function usageWindow(metric: Metric, now: Date): UsageWindow {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  if (isDailyMetric(metric)) {
    const start = new Date(Date.UTC(year, month, now.getUTCDate()));
    return { kind: "day", start, end: new Date(start.getTime() + 24 * 60 * 60 * 1000) };
  }
  return {
    kind: metric === "storage_bytes" ? "level" : "month",
    start: new Date(Date.UTC(year, month, 1)),
    end: new Date(Date.UTC(year, month + 1, 1)),
  };
}

/** When a window's count starts again from zero; null for a level, which never resets itself. */
export function resetsAt(window: UsageWindow): Date | null {
  return window.kind === "level" ? null : window.end;
}
