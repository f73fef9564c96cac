/**
 * Test support for background jobs: what the app queued, run now by the real engine and
 * handlers (lib/jobs/worker.ts in drain mode, start delays skipped) until nothing is left; and
 * dead jobs made by the real engine.
 */
import type PgBoss from "pg-boss";
import type Stripe from "stripe";
import type { DatabaseHandle } from "@/db";
import { startWorker, type WorkerReport } from "@/lib/jobs/worker";

/**
 * Runs queued jobs, pass after pass (a job may queue others: reconcile queues one per
 * customer), until a pass finds none. A job that keeps failing runs until its retries are spent.
 */
export async function runQueuedJobs(handle: DatabaseHandle, stripe: Stripe): Promise<WorkerReport> {
  const total: WorkerReport = { completed: 0, failed: 0 };
  for (;;) {
    const pass = await (await startWorker({ handle, stripe, drain: true })).done;
    total.completed += pass.completed;
    total.failed += pass.failed;
    if (pass.completed + pass.failed === 0) return total;
  }
}

/**
 * Sends a job to `queue` and fails it on every try the queue allows, as a worker whose handler
 * always throws would: it ends dead (`failed`), with `output` as its last failure's output. The
 * job is sent without the queue's waits between tries (each try is due at once), so it dies in
 * milliseconds and, like a job that waited them out, is due at once when retried. The queue must
 * have no other job waiting. Returns the job's id.
 */
export async function sendDeadJob(
  boss: PgBoss,
  queue: string,
  { data = {}, output = { message: "the handler threw" } }: { data?: object; output?: object } = {},
): Promise<string> {
  const id = await boss.send(queue, data, { retryDelay: 0, retryBackoff: false });
  if (!id) throw new Error(`${queue} refused the job (one is already waiting)`);
  for (let tries = 0; tries < 100; tries++) {
    const [job] = await boss.fetch(queue);
    if (job?.id !== id) throw new Error(`${queue} handed out ${job?.id ?? "nothing"}, not ${id}`);
    await boss.fail(queue, id, output);
    if ((await boss.getJobById(queue, id))?.state === "failed") return id;
  }
  throw new Error(`job ${id} of ${queue} did not die`);
}
