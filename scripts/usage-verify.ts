/**
 * `npm run usage:verify -- --from 2026-11-01 --to 2026-12-01`: compares the API calls the
 * ledger reported per Stripe customer in [from, to) with what Stripe's meter summed, prints
 * each customer and the meter events that failed for good (usage never billed), and exits 1
 * when any customer differs or any event failed. Without dates: the current calendar month (UTC).
 * Dates are UTC; a bare date means its midnight.
 */
import "./load-env";
import { parseArgs } from "node:util";
import { closeDb, getDb } from "../db";
import { createStripeClient } from "../lib/billing/stripe/client";
import { env } from "../lib/env";
import { log } from "../lib/log";
import { formatVerification, verifyUsage } from "../lib/usage/verify";
import { usageWindow } from "../lib/usage/windows";

const { values } = parseArgs({
  options: { from: { type: "string" }, to: { type: "string" } },
});

function parseTime(name: string, value: string): Date {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) {
    process.stderr.write(`--${name} must be a date such as 2026-11-01 (UTC)\n`);
    process.exit(2);
  }
  return time;
}

const month = usageWindow("api_calls", new Date());
const from = values.from ? parseTime("from", values.from) : month.start;
const to = values.to ? parseTime("to", values.to) : month.end;

try {
  const result = await verifyUsage(await getDb(), createStripeClient(env()), { from, to });
  process.stdout.write(formatVerification(result));
  if (result.mismatches.length > 0 || result.failed.total > 0) process.exitCode = 1;
} catch (error) {
  log.fatal({ err: error }, "usage verification failed");
  process.exitCode = 1;
} finally {
  await closeDb();
}
