/** Calendar arithmetic for billing periods, in UTC, as Stripe anchors them. */
import type Stripe from "stripe";

export const DAY = 86_400;

type Interval = Stripe.Price.Recurring.Interval;

/**
 * `start` plus `count` intervals. Months keep the anchor's day of month, clamped to the
 * month's last day (Jan 31 → Feb 28 → Mar 31), as Stripe's billing cycle anchor does.
 */
export function addInterval(start: number, interval: Interval, count: number): number {
  if (interval === "day") return start + count * DAY;
  if (interval === "week") return start + count * 7 * DAY;
  const months = interval === "year" ? count * 12 : count;
  const date = new Date(start * 1000);
  const day = date.getUTCDate();
  const target = new Date(
    Date.UTC(
      date.getUTCFullYear(),
      date.getUTCMonth() + months,
      1,
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
    ),
  );
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return Math.floor(target.getTime() / 1000);
}

/** The end of the billing period that contains `at`, counted from `anchor`. */
export function periodEndAfter(
  anchor: number,
  interval: Interval,
  count: number,
  at: number,
): number {
  for (let k = 1; k < 10_000; k++) {
    const end = addInterval(anchor, interval, k * count);
    if (end > at) return end;
  }
  throw new Error("billing period out of range");
}

/** "25 Nov 2026", the way Stripe's line descriptions write dates. */
export function humanDay(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}
