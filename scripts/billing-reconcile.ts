/**
 * `npm run billing:reconcile`: re-syncs every customer's subscriptions and invoices from Stripe
 * into the database and replays the ledger's pending webhook events. Safe to run at any time,
 * also while the app runs on Postgres (not on the embedded PGlite while `npm run dev` holds it).
 * One reconcile runs at a time, here or through the admin route: while another runs, this says
 * since when and exits with 1.
 */
import "./load-env";
import { closeDb, getDb } from "../db";
import { reconcileBilling } from "../lib/billing/mirror/reconcile";
import { getStripe } from "../lib/billing/stripe/client";
import { errorReason } from "../lib/error-reason";
import { AppError } from "../lib/errors";
import { log } from "../lib/log";

try {
  const report = await reconcileBilling(await getDb(), getStripe());
  process.stdout.write(
    `Reconciled ${report.customers} customers; replayed ${report.replayed} pending events` +
      (report.stillFailing > 0 ? `; ${report.stillFailing} still failing (see the log)` : "") +
      (report.stillUnlinked > 0
        ? `; ${report.stillUnlinked} still about a customer linked to no user`
        : "") +
      ".\n",
  );
  if (report.customerFailures > 0) {
    process.stdout.write(`${report.customerFailures} customers could not be read (see the log).\n`);
  }
  if (report.stillFailing > 0 || report.customerFailures > 0) process.exitCode = 1;
} catch (error) {
  if (error instanceof AppError && error.code === "conflict") {
    process.stderr.write(`${error.message}\n`);
  } else {
    log.fatal({ reason: errorReason(error) }, "reconciliation failed");
  }
  process.exitCode = 1;
} finally {
  await closeDb();
}
