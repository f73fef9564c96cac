/**
 * `npm run billing:reconcile`: re-syncs every customer's subscriptions and invoices from Stripe
 * into the database and replays failed webhook events. Safe to run at any time, also while the
 * app runs on Postgres (not on the embedded PGlite while `npm run dev` holds it).
 */
import "./load-env";
import { closeDb, getDb } from "../db";
import { reconcileBilling } from "../lib/billing/reconcile";
import { getStripe } from "../lib/billing/stripe";
import { log } from "../lib/log";

try {
  const report = await reconcileBilling(await getDb(), getStripe());
  process.stdout.write(
    `Reconciled ${report.customers} customers; replayed ${report.replayed} failed events` +
      (report.stillFailing > 0 ? `; ${report.stillFailing} still failing (see the log)` : "") +
      ".\n",
  );
  if (report.customerFailures > 0) {
    process.stdout.write(`${report.customerFailures} customers could not be read (see the log).\n`);
  }
  if (report.stillFailing > 0 || report.customerFailures > 0) process.exitCode = 1;
} catch (error) {
  log.fatal({ err: error }, "reconciliation failed");
  process.exitCode = 1;
} finally {
  await closeDb();
}
