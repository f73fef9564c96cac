/**
 * The job engine on a database handle: pg-boss over the handle's own connections (its `db`
 * option), so it runs wherever the app's database does — a Postgres server, or the embedded
 * PGlite of `npm run dev`, which one process owns (the worker runs inside that process then).
 *
 * Not marked `server-only`: the worker script loads it.
 */
import PgBoss from "pg-boss";
import type { DatabaseHandle } from "../../db";
import { JOB_SCHEMA } from "../../db/job-schema";
import { log } from "../log";
import { QUEUES, type QueueDefinition } from "./queues";

/**
 * How long a finished job stays in pg-boss's job table before its maintenance moves it to the
 * archive (where it is kept a week more, then deleted): completed and cancelled jobs after
 * pg-boss's default of 12 hours; dead jobs (failed, retries spent) a week, so an admin can still
 * retry them from /admin/jobs — pg-boss retries only jobs in its job table, never archived ones.
 */
export const ARCHIVE_COMPLETED_AFTER_SECONDS = 12 * 60 * 60;
export const ARCHIVE_FAILED_AFTER_SECONDS = 7 * 24 * 60 * 60;

export interface EngineOptions {
  /** Maintenance (expiring jobs whose worker died, archiving) and cron schedules: workers only. */
  work?: boolean;
  /** How often a worker moves due cron jobs into their queues (pg-boss default 5 s). */
  cronWorkerIntervalSeconds?: number;
}

/**
 * Starts pg-boss on `handle` and makes sure every queue exists with its current options, and for
 * a worker that the cron schedules are in place (the schema itself is installed with the
 * migrations: db/job-schema.ts). Errors pg-boss reports from its own background work are
 * logged; they never throw out of the process.
 */
export async function startEngine(
  handle: DatabaseHandle,
  { work = false, cronWorkerIntervalSeconds }: EngineOptions = {},
): Promise<PgBoss> {
  const boss = new PgBoss({
    db: handle.sql,
    schema: JOB_SCHEMA,
    migrate: false,
    supervise: work,
    schedule: work,
    archiveCompletedAfterSeconds: ARCHIVE_COMPLETED_AFTER_SECONDS,
    archiveFailedAfterSeconds: ARCHIVE_FAILED_AFTER_SECONDS,
    ...(cronWorkerIntervalSeconds ? { cronWorkerIntervalSeconds } : {}),
  });
  boss.on("error", (error: Error) => {
    log.warn({ reason: error.message }, "job engine error");
  });
  // Queues and schedules first: the cron check runs as soon as the engine starts.
  for (const queue of QUEUES) {
    const options = queueOptions(queue);
    await boss.createQueue(queue.name, options);
    await boss.updateQueue(queue.name, options);
  }
  if (work) await scheduleCronJobs(boss);
  await boss.start();
  return boss;
}

/** A queue's pg-boss options: its policy, and retries with exponential backoff. */
export function queueOptions(queue: QueueDefinition): PgBoss.Queue {
  return {
    name: queue.name,
    policy: queue.policy,
    retryLimit: queue.retryLimit,
    retryDelay: queue.retryDelay,
    retryBackoff: true,
    expireInSeconds: queue.expireInSeconds,
  };
}

/** Puts the cron schedules in place (and removes those of queues that no longer have one). */
async function scheduleCronJobs(boss: PgBoss): Promise<void> {
  const current = new Set((await boss.getSchedules()).map((schedule) => schedule.name));
  for (const queue of QUEUES) {
    if (queue.cron) await boss.schedule(queue.name, queue.cron, {}, { tz: "UTC" });
    else if (current.has(queue.name)) await boss.unschedule(queue.name);
  }
}
