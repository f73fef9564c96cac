/**
 * Dates for people, always in UTC, so a page reads the same wherever it is rendered (server,
 * browser, test) and matches Stripe's own dates. Inputs are Dates or ISO strings.
 */

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat("en-US", {
  dateStyle: "medium",
  timeStyle: "short",
  hourCycle: "h23",
  timeZone: "UTC",
});

function toDate(value: Date | string): Date {
  return typeof value === "string" ? new Date(value) : value;
}

/** "Jan 5, 2026" (UTC). Throws RangeError for an invalid date. */
export function formatDate(value: Date | string): string {
  return dateFormat.format(toDate(value));
}

/** "Jan 5, 2026, 23:30 UTC". Throws RangeError for an invalid date. */
export function formatDateTime(value: Date | string): string {
  return `${dateTimeFormat.format(toDate(value))} UTC`;
}

/** The machine-readable form for `<time dateTime>`. */
export function isoDate(value: Date | string): string {
  return toDate(value).toISOString();
}
