/**
 * Sending jobs from the app: the process-wide engine on the process-wide database (started
 * once, without workers), and one function per kind of job the app asks for.
 *
 * Not marked `server-only`: the worker and scripts load it.
 */
import type PgBoss from "pg-boss";
import { type DatabaseHandle, getDatabase } from "../../db";
import { startEngine } from "./engine";
import { RECONCILE_QUEUE, STRIPE_EVENTS_DELAY_MS, STRIPE_EVENTS_QUEUE } from "./queues";

const globalForJobs = globalThis as typeof globalThis & {
  __tollgateJobs?: { handle: DatabaseHandle; boss: Promise<PgBoss> };
};

/** The engine on the process-wide database; a failed start is not cached. */
export async function getJobs(): Promise<PgBoss> {
  const handle = await getDatabase();
  const cached = globalForJobs.__tollgateJobs;
  if (cached?.handle === handle) return cached.boss;
  const boss = startEngine(handle).catch((error: unknown) => {
    if (globalForJobs.__tollgateJobs?.boss === boss) globalForJobs.__tollgateJobs = undefined;
    throw error;
  });
  globalForJobs.__tollgateJobs = { handle, boss };
  return boss;
}

/**
 * Asks for the job that applies `stripeCustomerId`'s pending webhook events. At most one such
 * job waits per customer (a burst of events makes one); it starts `STRIPE_EVENTS_DELAY_MS`
 * after the first, so the rest of the burst is applied by the same fetch.
 */
export async function sendStripeEventsJob(boss: PgBoss, stripeCustomerId: string): Promise<void> {
  await boss.send(
    STRIPE_EVENTS_QUEUE,
    { stripeCustomerId },
    {
      singletonKey: stripeCustomerId,
      startAfter: new Date(Date.now() + STRIPE_EVENTS_DELAY_MS),
    },
  );
}

/** Asks for a reconcile of every customer; null when one is already waiting to run. */
export async function sendReconcileJob(boss: PgBoss): Promise<string | null> {
  return boss.send(RECONCILE_QUEUE, {});
}
