/**
 * What went wrong, fit for a log line or the webhook ledger: the innermost cause's message (the
 * database's or Stripe's own words), at most 2,000 characters. Not the wrapper's text: Drizzle's
 * "Failed query: … params: …" carries the query's parameters — say a whole webhook event with
 * the customer's email.
 */
export function errorReason(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause !== undefined) current = current.cause;
  return (current instanceof Error ? current.message : String(current)).slice(0, 2000);
}
