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
import {
  RATE_LIMIT_CLEANUP_QUEUE,
  RECONCILE_CUSTOMER_QUEUE,
  RECONCILE_QUEUE,
  STRIPE_EVENTS_QUEUE,
  USAGE_FLUSH_QUEUE,
  WEBHOOK_REPLAY_QUEUE,
} from "./queues";
import { sendStripeEventsJob } from "./send";

/** Ledger events are asked for again by the replay job until they have failed this often. */
export const MAX_EVENT_ATTEMPTS = 10;

export interface JobContext extends BillingDeps {
  handle: DatabaseHandle;
  boss: PgBoss;
}

export type JobHandler = (data: unknown, context: JobContext) => Promise<unknown>;

const customerJob = z.object({ stripeCustomerId: z.string().min(1).max(255) });

export const JOB_HANDLERS: Readonly<Record<string, JobHandler>> = {
  [STRIPE_EVENTS_QUEUE]: async (data, deps) => {
    const { stripeCustomerId } = customerJob.parse(data);
    return applyCustomerEvents(deps, stripeCustomerId);
  },

  [USAGE_FLUSH_QUEUE]: async (_data, { db, stripe }) => flushUsage(db, stripe),

  [RECONCILE_QUEUE]: async (_data, { db, stripe, boss }) => {
    const ids = await customersToReconcile(db, stripe);
    for (const stripeCustomerId of ids) {
      await boss.send(
        RECONCILE_CUSTOMER_QUEUE,
        { stripeCustomerId },
        { singletonKey: stripeCustomerId },
      );
    }
    const pending = await askForPendingEvents(db, boss);
    log.info({ customers: ids.length, pendingCustomers: pending }, "billing reconcile queued");
    return { customers: ids.length, pendingCustomers: pending };
  },

  [RECONCILE_CUSTOMER_QUEUE]: async (data, deps) => {
    const { stripeCustomerId } = customerJob.parse(data);
    await resyncCustomer(deps, stripeCustomerId, { allInvoices: true });
    return applyCustomerEvents(deps, stripeCustomerId);
  },

  [WEBHOOK_REPLAY_QUEUE]: async (_data, { db, boss }) => ({
    pendingCustomers: await askForPendingEvents(db, boss),
  }),

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
