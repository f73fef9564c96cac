/**
 * Sending jobs from the app: the process-wide engine on the process-wide database (started
 * once, without workers), and one function per kind of job the app asks for.
 *
 * Not marked `server-only`: the worker and scripts load it.
 */
import type PgBoss from "pg-boss";
import { type DatabaseHandle, getDatabase } from "../../db";
import { queueOptions, startEngine } from "./engine";
import {
  QUEUES,
  RECONCILE_QUEUE,
  STRIPE_EVENTS_DELAY_MS,
  STRIPE_EVENTS_QUEUE,
  WORKSPACE_SEATS_DELAY_MS,
  WORKSPACE_SEATS_QUEUE,
} from "./queues";

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

/**
 * Asks for the job that brings `workspaceId`'s billed seats to its member count, on `boss` — in
 * a membership change, the engine on that change's transaction (`jobsOn(tx)`). At most one such
 * job waits per workspace: when one already does, it counts this change too, since it counts
 * when it runs. A database the engine has not been started on since this queue was added has no
 * queue to put the job in yet; it is created here (on `boss`'s connection too) rather than lose
 * the job.
 */
export async function sendWorkspaceSeatsJob(boss: PgBoss, workspaceId: string): Promise<void> {
  const send = () =>
    boss.send(
      WORKSPACE_SEATS_QUEUE,
      { workspaceId },
      {
        singletonKey: workspaceId,
        startAfter: new Date(Date.now() + WORKSPACE_SEATS_DELAY_MS),
      },
    );
  if ((await send()) !== null || (await boss.getQueue(WORKSPACE_SEATS_QUEUE)) !== null) return;
  const queue = QUEUES.find((definition) => definition.name === WORKSPACE_SEATS_QUEUE);
  if (!queue) throw new Error(`${WORKSPACE_SEATS_QUEUE} is not among the queues`);
  await boss.createQueue(queue.name, queueOptions(queue));
  await send();
}
