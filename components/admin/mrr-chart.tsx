import { formatPrice } from "@/lib/format/plan";

export interface MrrChartPoint {
  /** The UTC month, "2026-07". */
  month: string;
  /** In the currency's smallest unit. */
  mrr: number;
  /** Paying subscriptions at that point. */
  subscriptions: number;
  /** The current month, measured to date rather than at its close. */
  partial: boolean;
}

const WIDTH = 640;
const HEIGHT = 260;
const PLOT = { left: 56, right: 8, top: 24, bottom: 56 } as const;
const TICKS = 4;

const monthName = new Intl.DateTimeFormat("en-US", { month: "short", timeZone: "UTC" });
const monthAndYear = new Intl.DateTimeFormat("en-US", {
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

/** SVG coordinates to two decimals. */
const round = (value: number) => Math.round(value * 100) / 100;

function monthDate(month: string): Date {
  return new Date(`${month}-01T00:00:00Z`);
}

/** The currency's minor digits (2 for USD, 0 for JPY), from Intl itself. */
function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: currency.toUpperCase(),
    }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** "$41.8K", "$418": short enough to sit above a bar. */
function compactMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
    notation: "compact",
    maximumSignificantDigits: 3,
  }).format(amount / 10 ** minorDigits(currency));
}

/** The smallest 1, 2, 2.5 or 5 × 10ⁿ step that fits `max` in `TICKS` steps. */
function axisTop(max: number): number {
  // With no revenue yet the axis spans a round 100 units of the currency (minor units × 100),
  // not a few cents.
  if (max <= 0) return 100_00;
  const raw = max / TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((s) => s >= raw) ?? raw;
  return step * TICKS;
}

/**
 * MRR by month as an SVG bar chart. Every bar carries its value in text, the current month is
 * marked "to date" in words as well as drawn hollow, and the same numbers are in a table below,
 * so nothing depends on colour or on seeing the chart.
 */
export function MrrChart({
  points,
  currency,
  id = "mrr-chart",
}: {
  points: MrrChartPoint[];
  currency: string;
  id?: string;
}) {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return null;

  const top = axisTop(Math.max(...points.map((point) => point.mrr)));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const slot = plotWidth / points.length;
  const barWidth = round(slot * 0.6);
  const y = (amount: number) => round(PLOT.top + plotHeight - (amount / top) * plotHeight);
  const full = (amount: number) => formatPrice(amount, currency);
  const label = (point: MrrChartPoint) =>
    `${monthAndYear.format(monthDate(point.month))}${point.partial ? " (to date)" : ""}`;

  const highest = points.reduce((best, point) => (point.mrr > best.mrr ? point : best), first);
  const lowest = points.reduce((best, point) => (point.mrr < best.mrr ? point : best), first);
  const title = `Monthly recurring revenue, ${label(first)} to ${label(last)}`;
  const description =
    `Bar chart of MRR at the end of each of the last ${points.length} months. ` +
    `Highest ${full(highest.mrr)} in ${label(highest)}; lowest ${full(lowest.mrr)} in ` +
    `${label(lowest)}; latest ${full(last.mrr)} in ${label(last)}.`;

  return (
    <div>
      <div className="relative overflow-x-auto">
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="img"
          aria-label={title}
          aria-describedby={`${id}-desc`}
          className="h-auto w-full min-w-[40rem] max-w-3xl"
          data-testid="mrr-chart"
        >
          <title>{title}</title>
          <desc id={`${id}-desc`}>{description}</desc>
          {Array.from({ length: TICKS + 1 }, (_, tick) => {
            const amount = (top / TICKS) * tick;
            return (
              <g key={amount}>
                <line
                  x1={PLOT.left}
                  x2={WIDTH - PLOT.right}
                  y1={y(amount)}
                  y2={y(amount)}
                  className={tick === 0 ? "stroke-slate-500" : "stroke-slate-200"}
                  strokeWidth={1}
                />
                <text
                  x={PLOT.left - 6}
                  y={y(amount)}
                  dy="0.32em"
                  textAnchor="end"
                  className="fill-slate-600 text-[11px]"
                >
                  {compactMoney(amount, currency)}
                </text>
              </g>
            );
          })}
          {points.map((point, index) => {
            const center = round(PLOT.left + slot * index + slot / 2);
            const barTop = y(point.mrr);
            const date = monthDate(point.month);
            const showYear = index === 0 || date.getUTCMonth() === 0;
            return (
              <g key={point.month}>
                <rect
                  x={round(center - barWidth / 2)}
                  y={barTop}
                  width={barWidth}
                  height={round(Math.max(0, PLOT.top + plotHeight - barTop))}
                  rx={2}
                  className={
                    point.partial
                      ? "fill-brand-100 stroke-brand-600"
                      : "fill-brand-600 stroke-brand-600"
                  }
                  strokeWidth={1.5}
                  strokeDasharray={point.partial ? "4 3" : undefined}
                />
                <text
                  x={center}
                  y={barTop - 6}
                  textAnchor="middle"
                  className="fill-slate-900 text-[11px] font-medium"
                >
                  {compactMoney(point.mrr, currency)}
                </text>
                <text
                  x={center}
                  y={PLOT.top + plotHeight + 16}
                  textAnchor="middle"
                  className="fill-slate-700 text-[11px]"
                >
                  {monthName.format(date)}
                  {showYear && (
                    <tspan x={center} dy="1.2em">
                      {date.getUTCFullYear()}
                    </tspan>
                  )}
                  {point.partial && (
                    <tspan x={center} dy="1.2em">
                      to date
                    </tspan>
                  )}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer font-medium text-brand-700">
          The chart's numbers as a table
        </summary>
        <div className="relative mt-2 overflow-x-auto rounded-xl border border-slate-200">
          <table className="w-full min-w-[24rem] text-left text-sm">
            <caption className="sr-only">MRR at the end of each month</caption>
            <thead className="bg-slate-50 text-slate-700">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  Month
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  MRR
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Paying subscriptions
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {points.map((point) => (
                <tr key={point.month}>
                  <th scope="row" className="px-4 py-2 font-medium text-slate-900">
                    {label(point)}
                  </th>
                  <td className="px-4 py-2 text-right tabular-nums">{full(point.mrr)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{point.subscriptions}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
