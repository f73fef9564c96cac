import "server-only";
import type PgBoss from "pg-boss";
import { AppError } from "@/lib/errors";

const UNIQUE_VIOLATION = "23505";

/** What a job that is not dead is doing, in words. */
const STATE_WORDS: Record<PgBoss.JobWithMetadata["state"], string> = {
  created: "waiting to run",
  retry: "waiting to be retried",
  active: "running",
  completed: "completed",
  cancelled: "cancelled",
  failed: "failed",
};

/**
 * Gives a dead job one more run: pg-boss's `retry` puts it back in state `retry` with its limit
 * raised by one, and a worker takes it at once. Only a job still `failed` in pg-boss's job table
 * can be; anything else is refused with an AppError saying why (no such job, archived, not dead,
 * or — on a `stately` queue, which holds one waiting retry at a time — another retry waiting).
 * Safe to repeat: a second call finds the job no longer failed.
 */
export async function retryDeadJobOrThrow(boss: PgBoss, queue: string, id: string): Promise<void> {
  const job = await boss.getJobById(queue, id);
  if (!job) {
    const archived = await boss.getJobById(queue, id, { includeArchive: true });
    throw archived
      ? new AppError("conflict", `Job ${id} has been archived; an archived job cannot be retried.`)
      : new AppError("not_found", `There is no job ${id} in the ${queue} queue.`);
  }
  if (job.state !== "failed") {
    throw new AppError(
      "conflict",
      `Job ${id} is not failed any more: it is ${STATE_WORDS[job.state]}.`,
    );
  }
  try {
    await boss.retry(queue, id);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new AppError(
      "conflict",
      `Another ${queue} job is already waiting to be retried; retry this one once that has run.`,
      { cause: error },
    );
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ("code" in current && current.code === UNIQUE_VIOLATION) return true;
  }
  return false;
}
