/**
 * The worker of this process, on the process-wide database and the jobs' Stripe client: what
 * `npm run worker` runs, and what the app server runs beside itself with WORKER_IN_APP (on in
 * development). One per process: a hot reload does not start another. Started when the
 * database cannot be reached, it tries again every few seconds until it can.
 *
 * Not marked `server-only`: the worker script and instrumentation load it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { getDatabase } from "../../db";
import { getJobStripe } from "../billing/stripe/client";
import { errorReason } from "../error-reason";
import { log } from "../log";
import { type RunningWorker, startWorker } from "./worker";

const globalForWorker = globalThis as typeof globalThis & {
  __tollgateWorker?: Promise<RunningWorker | null>;
  __tollgateWorkerStopping?: boolean;
};

const RETRY_MS = 5_000;

export function startProcessWorker(): Promise<RunningWorker | null> {
  globalForWorker.__tollgateWorker ??= (async () => {
    for (;;) {
      if (globalForWorker.__tollgateWorkerStopping) return null;
      try {
        const handle = await getDatabase();
        return await startWorker({ handle, stripe: getJobStripe(handle.db) });
      } catch (error) {
        log.error({ reason: errorReason(error) }, "job worker could not start; trying again");
        await sleep(RETRY_MS);
      }
    }
  })();
  return globalForWorker.__tollgateWorker;
}

/** Stops this process's worker, if one runs: running jobs finish first. */
export async function stopProcessWorker(): Promise<void> {
  globalForWorker.__tollgateWorkerStopping = true;
  const worker = await globalForWorker.__tollgateWorker;
  await worker?.stop();
}
