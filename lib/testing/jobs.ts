/**
 * Test support for background jobs: what the app queued, run now by the real engine and
 * handlers (lib/jobs/worker.ts in drain mode, start delays skipped) until nothing is left.
 */
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
