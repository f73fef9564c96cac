import { NumericCell, Row, RowHeader, Table } from "@/components/ui/table";
import type { Metric } from "@/lib/billing/catalog/plans";
import { formatShortDay } from "@/lib/format/date";
import type { DailyPoint } from "@/lib/usage/history";
import { formatAmount } from "./usage-bars";

const WIDTH = 600;
const HEIGHT = 140;
const TOP = 16;
const BOTTOM = 20;

/**
 * Daily usage as SVG bars, with the largest day and the first and last dates written out, and
 * the numbers in a table under a disclosure: readable without colour and without the picture.
 */
export function DailyUsageChart({
  metric,
  label,
  points,
}: {
  metric: Metric;
  label: string;
  points: DailyPoint[];
}) {
  const max = Math.max(0, ...points.map((point) => point.value));
  const total = points.reduce((sum, point) => sum + point.value, 0);
  const slot = WIDTH / Math.max(points.length, 1);
  const plot = HEIGHT - TOP - BOTTOM;
  const first = points[0];
  const last = points.at(-1);
  const summary =
    metric === "storage_bytes"
      ? `Highest level ${formatAmount(metric, max)}`
      : `${formatAmount(metric, total)} in ${points.length} days; busiest day ${formatAmount(metric, max)}`;
  return (
    <figure className="flex flex-col gap-2" data-testid={`chart-${metric}`}>
      <figcaption className="flex flex-wrap justify-between gap-x-4 text-sm">
        <span className="font-medium text-slate-900">{label}</span>
        <span className="text-slate-700">{summary}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${label} per day: ${summary}`}
        className="h-auto w-full"
      >
        <line x1={0} x2={WIDTH} y1={HEIGHT - BOTTOM} y2={HEIGHT - BOTTOM} stroke="#94a3b8" />
        {points.map((point, index) => {
          const height = max > 0 ? (point.value / max) * plot : 0;
          return (
            <rect
              key={point.day}
              x={Math.round((index * slot + slot * 0.15) * 100) / 100}
              y={Math.round((HEIGHT - BOTTOM - height) * 100) / 100}
              width={Math.round(slot * 0.7 * 100) / 100}
              height={Math.round(height * 100) / 100}
              className="fill-brand-600"
            >
              <title>{`${formatShortDay(point.day)}: ${formatAmount(metric, point.value)}`}</title>
            </rect>
          );
        })}
        {first && (
          <text x={0} y={HEIGHT - 4} fontSize={12} className="fill-slate-700">
            {formatShortDay(first.day)}
          </text>
        )}
        {last && (
          <text x={WIDTH} y={HEIGHT - 4} fontSize={12} textAnchor="end" className="fill-slate-700">
            {formatShortDay(last.day)}
          </text>
        )}
        <text x={0} y={12} fontSize={12} className="fill-slate-700">
          {formatAmount(metric, max)}
        </text>
      </svg>
      <details className="text-sm">
        <summary className="cursor-pointer text-brand-700 underline">
          {label}: the numbers per day
        </summary>
        <div className="mt-2 max-h-64 overflow-y-auto">
          <Table caption={`${label} per UTC day`} columns={["Day (UTC)", { label, numeric: true }]}>
            {points.map((point) => (
              <Row key={point.day}>
                <RowHeader plain>{formatShortDay(point.day)}</RowHeader>
                <NumericCell>{formatAmount(metric, point.value)}</NumericCell>
              </Row>
            ))}
          </Table>
        </div>
      </details>
    </figure>
  );
}
