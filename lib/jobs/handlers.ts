/**
 * What each queue's job does. A handler throws to have its job retried (with backoff, up to the
 * queue's limit). Stripe reads go through the client the worker was given (limited, shared by
 * every instance: lib/billing/stripe/).
 *
 * Not marked `server-only`: the worker script loads it.
 */
import type PgBoss from "pg-boss";
import { z } from "zod";
import type { DatabaseHandle } from "../../db";
import { applyCustomerEvents } from "../billing/mirror/apply-events";
import { customersToReconcile, customersWithPendingEvents } from "../billing/mirror/reconcile";
import { resyncCustomer } from "../billing/mirror/resync-customer";
import type { BillingDeps } from "../billing/stripe/client";
import { log } from "../log";
import { deleteExpiredRateLimits } from "../rate-limit";
import { flushUsage } from "../usage/report";
import { workspacesWithSeatDrift } from "../workspaces/seat-drift";
import { syncSeats } from "../workspaces/seat-sync";
import {
  RATE_LIMIT_CLEANUP_QUEUE,
  RECONCILE_CUSTOMER_QUEUE,
  RECONCILE_QUEUE,
  STRIPE_EVENTS_QUEUE,
  USAGE_FLUSH_QUEUE,
  WEBHOOK_REPLAY_QUEUE,
  WORKSPACE_SEATS_QUEUE,
} from "./queues";
import { sendStripeEventsJob, sendWorkspaceSeatsJob } from "./send";

/** Reconcile jobs queued per insert. */
const RECONCILE_BATCH = 500;

/** Ledger events are asked for again by the replay job until they have failed this often. */
export const MAX_EVENT_ATTEMPTS = 10;

export interface JobContext extends BillingDeps {
  handle: DatabaseHandle;
  boss: PgBoss;
}

export type JobHandler = (data: unknown, context: JobContext) => Promise<unknown>;

const customerJob = z.object({ stripeCustomerId: z.string().min(1).max(255) });
const workspaceJob = z.object({ workspaceId: z.uuid() });

export const JOB_HANDLERS: Readonly<Record<string, JobHandler>> = {
  [STRIPE_EVENTS_QUEUE]: async (data, deps) => {
    const { stripeCustomerId } = customerJob.parse(data);
    const applied = await applyCustomerEvents(deps, stripeCustomerId);
    // A subscription that has just appeared (Checkout completed) may bill the member count its
    // session started with, while someone joined in between.
    await askForSeatSyncs(deps.db, deps.boss, { stripeCustomerId });
    return applied;
  },

  [USAGE_FLUSH_QUEUE]: async (_data, { db, stripe }) => flushUsage(db, stripe),

  [RECONCILE_QUEUE]: async (_data, { db, stripe, boss }) => {
    const ids = await customersToReconcile(db, stripe);
    // In batches: a nightly run over every customer is a few inserts, not one per customer.
    for (let start = 0; start < ids.length; start += RECONCILE_BATCH) {
      await boss.insert(
        ids.slice(start, start + RECONCILE_BATCH).map((stripeCustomerId) => ({
          name: RECONCILE_CUSTOMER_QUEUE,
          data: { stripeCustomerId },
          singletonKey: stripeCustomerId,
        })),
      );
    }
    const pending = await askForPendingEvents(db, boss);
    const seatDrift = await askForSeatSyncs(db, boss);
    log.info(
      { customers: ids.length, pendingCustomers: pending, seatDrift },
      "billing reconcile queued",
    );
    return { customers: ids.length, pendingCustomers: pending, seatDrift };
  },

  [RECONCILE_CUSTOMER_QUEUE]: async (data, deps) => {
    const { stripeCustomerId } = customerJob.parse(data);
    await resyncCustomer(deps, stripeCustomerId, { allInvoices: true });
    return applyCustomerEvents(deps, stripeCustomerId);
  },

  [WEBHOOK_REPLAY_QUEUE]: async (_data, { db, boss }) => ({
    pendingCustomers: await askForPendingEvents(db, boss),
    seatDrift: await askForSeatSyncs(db, boss),
  }),

  [WORKSPACE_SEATS_QUEUE]: async (data, deps) => {
    const { workspaceId } = workspaceJob.parse(data);
    return syncSeats(deps, workspaceId);
  },

  [RATE_LIMIT_CLEANUP_QUEUE]: async (_data, { db }) => ({
    deleted: await deleteExpiredRateLimits(db),
  }),
};

/** Sends the events job of every customer with ledger events to apply again; how many. */
async function askForPendingEvents(db: JobContext["db"], boss: PgBoss): Promise<number> {
  const pending = await customersWithPendingEvents(db, { maxAttempts: MAX_EVENT_ATTEMPTS });
  for (const { stripeCustomerId } of pending) await sendStripeEventsJob(boss, stripeCustomerId);
  return pending.length;
}

/** Sends the seat job of every workspace billed for another number of seats than its members. */
async function askForSeatSyncs(
  db: JobContext["db"],
  boss: PgBoss,
  only: { stripeCustomerId?: string } = {},
): Promise<number> {
  const drifted = await workspacesWithSeatDrift(db, only);
  for (const workspaceId of drifted) await sendWorkspaceSeatsJob(boss, workspaceId);
  return drifted.length;
}
