/**
 * The worker: takes jobs from every queue (lib/jobs/queues.ts) and runs their handlers, each
 * queue up to its concurrency, until stopped or — for the cron route — until a deadline. Any
 * number of workers may run on one database; pg-boss hands each job to one of them.
 *
 * Not marked `server-only`: the worker script loads it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type PgBoss from "pg-boss";
import type Stripe from "stripe";
import type { DatabaseHandle } from "../../db";
import { errorReason } from "../error-reason";
import { log } from "../log";
import { startEngine } from "./engine";
import { JOB_HANDLERS, type JobContext } from "./handlers";
import { QUEUES, type QueueDefinition } from "./queues";

export interface WorkerOptions {
  handle: DatabaseHandle;
  /** The Stripe client jobs use (its reads limited across instances). */
  stripe: Stripe;
  /** Stop taking jobs at this time (ms since the epoch); running ones finish. */
  until?: number;
  /** How often due cron jobs are moved into their queues, in seconds (default 5). */
  cronWorkerIntervalSeconds?: number;
  /**
   * Runs every job waiting now, including those whose start is delayed (a customer's events
   * job), and stops once no queue has any: no cron, no maintenance. What tests and scripts
   * use to apply what the app queued, at once.
   */
  drain?: boolean;
}

export interface WorkerReport {
  completed: number;
  failed: number;
}

export interface RunningWorker {
  /** Settles when the worker has stopped (asked to, or its deadline passed). */
  done: Promise<WorkerReport>;
  /** Stops taking jobs, lets running ones finish, and stops the engine. */
  stop(): Promise<WorkerReport>;
}

const workerLog = log.child({ module: "jobs" });

/** Starts a worker on `handle`: the engine with its maintenance and cron, then every queue. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { handle, stripe, until, drain = false } = options;
  const boss = await startEngine(handle, {
    work: !drain,
    cronWorkerIntervalSeconds: options.cronWorkerIntervalSeconds,
  });
  const controller = new AbortController();
  const report: WorkerReport = { completed: 0, failed: 0 };
  const context: JobContext = { db: handle.db, stripe, handle, boss };
  const loops = QUEUES.map((queue) =>
    runQueue(boss, queue, context, { signal: controller.signal, until, report, drain }),
  );
  workerLog.info({ queues: QUEUES.map((queue) => queue.name), until }, "job worker started");
  const done = Promise.all(loops).then(async () => {
    await boss.stop({ graceful: true, close: false, wait: true, timeout: 10_000 });
    workerLog.info(report, "job worker stopped");
    return report;
  });
  return {
    done,
    stop: async () => {
      controller.abort();
      return done;
    },
  };
}

interface LoopOptions {
  signal: AbortSignal;
  until: number | undefined;
  report: WorkerReport;
  drain: boolean;
}

async function runQueue(
  boss: PgBoss,
  queue: QueueDefinition,
  context: JobContext,
  { signal, until, report, drain }: LoopOptions,
): Promise<void> {
  const handler = JOB_HANDLERS[queue.name];
  if (!handler) throw new Error(`no handler for the queue ${queue.name}`);
  const running = new Set<Promise<void>>();
  const open = () => !signal.aborted && (until === undefined || Date.now() < until);
  while (open()) {
    const free = queue.concurrency - running.size;
    if (free > 0) {
      // pg-boss answers [] when the database cannot be reached; the loop tries again.
      const jobs = await boss.fetch<unknown>(queue.name, {
        batchSize: free,
        ignoreStartAfter: drain,
      });
      for (const job of jobs) {
        const run: Promise<void> = runJob(boss, queue.name, job, handler, context, report).finally(
          () => running.delete(run),
        );
        running.add(run);
      }
      if (jobs.length > 0) continue;
      if (drain && running.size === 0) break;
    }
    const wait = until === undefined ? queue.pollMs : Math.min(queue.pollMs, until - Date.now());
    await idle(Math.max(wait, 0), signal, running);
  }
  await Promise.all(running);
}

/**
 * Waits `ms`, or less if the worker stops or a running job ends. The timer is cancelled when the
 * wait ends otherwise, so waits do not pile up listeners on the worker's signal.
 */
async function idle(ms: number, signal: AbortSignal, running: Set<Promise<void>>): Promise<void> {
  if (signal.aborted) return;
  const timer = new AbortController();
  const stop = () => timer.abort();
  signal.addEventListener("abort", stop, { once: true });
  try {
    await Promise.race([
      sleep(ms, undefined, { signal: timer.signal }).catch(() => undefined),
      ...running,
    ]);
  } finally {
    timer.abort();
    signal.removeEventListener("abort", stop);
  }
}

async function runJob(
  boss: PgBoss,
  name: string,
  job: PgBoss.Job<unknown>,
  handler: NonNullable<(typeof JOB_HANDLERS)[string]>,
  context: JobContext,
  report: WorkerReport,
): Promise<void> {
  const started = Date.now();
  let output: unknown;
  try {
    output = await handler(job.data, context);
  } catch (error) {
    report.failed++;
    const reason = errorReason(error);
    workerLog.warn(
      { queue: name, jobId: job.id, reason, durationMs: Date.now() - started },
      "job failed",
    );
    await settle(() => boss.fail(name, job.id, { message: reason }), name, job.id);
    return;
  }
  report.completed++;
  workerLog.debug({ queue: name, jobId: job.id, durationMs: Date.now() - started }, "job done");
  const result = output && typeof output === "object" ? (output as object) : undefined;
  await settle(() => boss.complete(name, job.id, result), name, job.id);
}

/**
 * Records a job's end, trying again for a while when the database is unreachable; a job whose
 * end could never be written expires (its queue's `expireInSeconds`) and runs again, which
 * every handler allows.
 */
async function settle(write: () => Promise<unknown>, name: string, jobId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return;
    } catch (error) {
      if (attempt >= 30) {
        workerLog.error({ queue: name, jobId, reason: errorReason(error) }, "job end not recorded");
        return;
      }
      await sleep(Math.min(attempt, 5) * 500);
    }
  }
}
