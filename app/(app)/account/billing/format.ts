/** A date as people read it on the billing pages: "December 10, 2026", in UTC. */
export const longDay = (date: Date) =>
  new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(date);
