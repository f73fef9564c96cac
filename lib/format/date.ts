/**
 * Dates for people, always in UTC, so a page reads the same wherever it is rendered (server,
 * browser, test) and matches Stripe's own dates. Inputs are Dates or ISO strings (a bare
 * "2026-07-05" or "2026-07" is read as UTC, as the ISO rules say).
 *
 * Which form where: tables and fact lists show the day, "Jan 5, 2026", or the moment,
 * "Jan 5, 2026, 23:30 UTC", which says UTC itself; sentences addressed to a customer use the
 * long day, "January 5, 2026"; charts label days and months short ("Jan 5", "Jan") beside a
 * table of the full values.
 */

const UTC = { timeZone: "UTC" } as const;
const dayFormat = new Intl.DateTimeFormat("en-US", { ...UTC, dateStyle: "medium" });
const longDayFormat = new Intl.DateTimeFormat("en-US", { ...UTC, dateStyle: "long" });
const shortDayFormat = new Intl.DateTimeFormat("en-US", { ...UTC, month: "short", day: "numeric" });
const monthFormat = new Intl.DateTimeFormat("en-US", { ...UTC, month: "long", year: "numeric" });
const shortMonthFormat = new Intl.DateTimeFormat("en-US", { ...UTC, month: "short" });
const momentFormat = new Intl.DateTimeFormat("en-US", {
  ...UTC,
  dateStyle: "medium",
  timeStyle: "short",
  hourCycle: "h23",
});

function toDate(value: Date | string): Date {
  return typeof value === "string" ? new Date(value) : value;
}

/** A Stripe timestamp (Unix seconds) as a Date; a missing one stays null. */
export function fromUnixSeconds(seconds: number): Date;
export function fromUnixSeconds(seconds: number | null | undefined): Date | null;
export function fromUnixSeconds(seconds: number | null | undefined): Date | null {
  return seconds === null || seconds === undefined ? null : new Date(seconds * 1000);
}

/** "Jan 5, 2026" (UTC). Throws RangeError for an invalid date, as all of these do. */
export function formatDate(value: Date | string): string {
  return dayFormat.format(toDate(value));
}

/** "January 5, 2026" (UTC), for sentences. */
export function formatLongDate(value: Date | string): string {
  return longDayFormat.format(toDate(value));
}

/** "Jan 5" (UTC), for chart labels where the year is plain from the context. */
export function formatShortDay(value: Date | string): string {
  return shortDayFormat.format(toDate(value));
}

/** "January 2026" (UTC). */
export function formatMonth(value: Date | string): string {
  return monthFormat.format(toDate(value));
}

/** "Jan" (UTC), for chart labels that show the year apart. */
export function formatShortMonth(value: Date | string): string {
  return shortMonthFormat.format(toDate(value));
}

/** "Jan 5, 2026, 23:30 UTC". */
export function formatDateTime(value: Date | string): string {
  return `${momentFormat.format(toDate(value))} UTC`;
}

/** The machine-readable form for `<time dateTime>`. */
export function isoDate(value: Date | string): string {
  return toDate(value).toISOString();
}
