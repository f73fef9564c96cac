/**
 * `npm run usage:flush [-- --batch-size 100 --max-batches 1000]`: sends the usage outbox's due
 * rows to Stripe's meter until none are due (or the rounds run out), then prints what it did.
 * Exits 1 when some rows could not be sent (they stay queued with backoff, or were marked
 * failed for good: Stripe kept refusing them, or they were too old to send). Safe to run beside
 * the app and beside other flushers on Postgres (rows are claimed with SKIP LOCKED); not on the
 * embedded PGlite while `npm run dev` holds it (its own timer flushes there).
 */
import "./load-env";
import { parseArgs } from "node:util";
import { closeDb, getDb } from "../db";
import { createStripeClient } from "../lib/billing/stripe/client";
import { env } from "../lib/env";
import { log } from "../lib/log";
import { flushUsage } from "../lib/usage/report";

const { values } = parseArgs({
  options: {
    "batch-size": { type: "string", default: "100" },
    "max-batches": { type: "string", default: "1000" },
  },
});

function positive(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) {
    process.stderr.write(`--${name} must be a whole number, 1 or more\n`);
    process.exit(2);
  }
  return number;
}

const batchSize = positive("batch-size", values["batch-size"]);
const maxBatches = positive("max-batches", values["max-batches"]);

try {
  const result = await flushUsage(await getDb(), createStripeClient(env()), {
    batchSize,
    maxBatches,
  });
  process.stdout.write(
    `Sent ${result.sent} usage records to Stripe; ${result.failed - result.abandoned} not sent ` +
      `(will retry); ${result.abandoned} failed for good (see usage:verify); ` +
      `${result.remaining} still due.\n`,
  );
  if (result.failed > 0) process.exitCode = 1;
} catch (error) {
  log.fatal({ err: error }, "usage flush failed");
  process.exitCode = 1;
} finally {
  await closeDb();
}
