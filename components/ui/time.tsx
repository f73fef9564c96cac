import { formatDate, formatDateTime, isoDate } from "@/lib/format/date";

/** A UTC calendar day, "Jan 5, 2026", machine-readable too. */
export function Day({ date }: { date: Date | string }) {
  return <time dateTime={isoDate(date)}>{formatDate(date)}</time>;
}

/** A UTC date and time, "Jan 5, 2026, 23:30 UTC", machine-readable too. */
export function Moment({ date }: { date: Date | string }) {
  return <time dateTime={isoDate(date)}>{formatDateTime(date)}</time>;
}
