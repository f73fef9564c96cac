import { DAILY_METRICS, type DailyMetric, type Metric } from "@/lib/billing/catalog/plans";

/*
 * UTC calendar days and months. Every day or month window of the app (usage limits, the admin
 * customer page's month, the dashboard's months, the usage chart's days, the invoice filter's
 * days) is computed here and nowhere else.
 */

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

/** A UTC calendar day or month as [start, end). */
export interface UtcPeriod {
  start: Date;
  end: Date;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC calendar day that contains `at`, as [start, end). */
export function utcDayOf(at: Date): UtcPeriod {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  return { start, end: new Date(start.getTime() + DAY_MS) };
}

/** The UTC calendar month that contains `at` (or `monthsLater` months after it), as [start, end). */
export function utcMonthOf(at: Date, monthsLater = 0): UtcPeriod {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth() + monthsLater;
  return { start: new Date(Date.UTC(year, month, 1)), end: new Date(Date.UTC(year, month + 1, 1)) };
}

export function isDailyMetric(metric: Metric): metric is DailyMetric {
  return (DAILY_METRICS as readonly string[]).includes(metric);
}

/** Pure: the window that contains `now` for `metric`. */
export function usageWindow(metric: Metric, now: Date): UsageWindow {
  if (isDailyMetric(metric)) return { kind: "day", ...utcDayOf(now) };
  return { kind: metric === "storage_bytes" ? "level" : "month", ...utcMonthOf(now) };
}

/** When a window's count starts again from zero; null for a level, which never resets itself. */
export function resetsAt(window: UsageWindow): Date | null {
  return window.kind === "level" ? null : window.end;
}
