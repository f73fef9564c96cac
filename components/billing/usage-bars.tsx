import { METRIC_LABELS, type Metric } from "@/lib/billing/catalog/plans";
import { formatShortDay } from "@/lib/format/date";
import { formatLimit } from "@/lib/format/limit";
import type { MetricUsage } from "@/lib/usage/summary";

const WINDOW_TEXT = { day: "today", month: "this month", level: "in use" } as const;

const BYTE_UNITS = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;

/** Counts as numbers; storage in the largest binary unit that keeps it at 1 or more. */
export function formatAmount(metric: Metric, value: number): string {
  if (metric !== "storage_bytes") return formatLimit(metric, value);
  let unit = 0;
  let scaled = value;
  while (scaled >= 1024 && unit < BYTE_UNITS.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat("en-US", {
    style: "unit",
    unit: BYTE_UNITS[unit],
    unitDisplay: "short",
    maximumFractionDigits: 1,
  }).format(scaled);
}

/** Used against the limit per metric, as labelled progress bars with the numbers in text. */
export function UsageBars({ usage }: { usage: MetricUsage[] }) {
  return (
    <ul className="flex flex-col gap-4">
      {usage.map(({ metric, used, limit, window }) => {
        const share = limit > 0 ? Math.min(1, used / limit) : 1;
        const over = used >= limit;
        const id = `usage-${metric}`;
        return (
          <li key={metric} data-testid={id}>
            <div className="flex flex-wrap items-baseline justify-between gap-x-4 text-sm">
              <span id={`${id}-label`} className="font-medium text-slate-900">
                {METRIC_LABELS[metric]}
              </span>
              <span className="text-slate-700">
                {formatAmount(metric, used)} of {formatAmount(metric, limit)}{" "}
                {WINDOW_TEXT[window.kind]}
                {window.kind === "day" && " (UTC)"}
                {window.kind === "month" && ` · resets ${formatShortDay(window.end)}`}
              </span>
            </div>
            <div
              role="progressbar"
              aria-labelledby={`${id}-label`}
              aria-valuemin={0}
              aria-valuemax={limit}
              aria-valuenow={Math.min(used, limit)}
              aria-valuetext={`${formatAmount(metric, used)} of ${formatAmount(metric, limit)}`}
              className="mt-1.5 h-2 overflow-hidden rounded-full bg-slate-200"
            >
              <div
                className={`h-full rounded-full ${over ? "bg-red-600" : share >= 0.8 ? "bg-amber-500" : "bg-brand-600"}`}
                style={{ width: `${Math.round(share * 100)}%` }}
              />
            </div>
            {over && <p className="mt-1 text-sm text-red-700">Limit reached: upgrade for more.</p>}
          </li>
        );
      })}
    </ul>
  );
}
