import { setTimeout as sleep } from "node:timers/promises";
import PgBoss from "pg-boss";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getDatabase } from "@/db";
import { JOB_SCHEMA } from "@/db/job-schema";
import { useAppDatabase } from "@/db/testing";
import { IDLE } from "@/lib/form-state";
import { STRIPE_EVENTS_QUEUE, USAGE_FLUSH_QUEUE } from "@/lib/jobs/queues";
import { getJobs } from "@/lib/jobs/send";
import { testForm } from "@/lib/testing/http";
import { sendDeadJob } from "@/lib/testing/jobs";
import { captureLog } from "@/lib/testing/log-capture";

// Who is signed in and Next's cache are request-scoped in Next; here they are stand-ins.
const requireAdminSession = vi.hoisted(() => vi.fn());
const revalidatePath = vi.hoisted(() => vi.fn());
vi.mock("@/lib/auth/session", () => ({ requireAdminSession }));
vi.mock("next/cache", () => ({ revalidatePath }));

const { retryJobAction } = await import("./actions");

useAppDatabase();
let boss: PgBoss;

const ADMIN = { user: { id: "admin-1", role: "admin" }, sessionVersion: 0 };
const UNKNOWN_ID = "0b5e3c1e-7d1a-4c53-9a57-2f0d6f1f8a11";

beforeAll(async () => {
  boss = await getJobs();
});

beforeEach(async () => {
  await boss.clearStorage();
  requireAdminSession.mockReset();
  requireAdminSession.mockResolvedValue(ADMIN);
  revalidatePath.mockReset();
});

function retry(queue: string, jobId: string) {
  return retryJobAction(IDLE, testForm({ queue, jobId }));
}

async function stateOf(queue: string, id: string) {
  return (await boss.getJobById(queue, id))?.state;
}

describe("retryJobAction", () => {
  it("retries nothing for someone who is not an admin", async () => {
    const id = await sendDeadJob(boss, USAGE_FLUSH_QUEUE);
    requireAdminSession.mockRejectedValue(new Error("NEXT_HTTP_ERROR_FALLBACK;404"));
    await expect(retry(USAGE_FLUSH_QUEUE, id)).rejects.toThrow("404");
    expect(requireAdminSession).toHaveBeenCalledWith("/admin/jobs");
    expect(await stateOf(USAGE_FLUSH_QUEUE, id)).toBe("failed");
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  it("gives an admin's dead job one more run: it waits for a worker, who can take it, and the retry is logged", async () => {
    const id = await sendDeadJob(boss, USAGE_FLUSH_QUEUE, { data: { note: "flush" } });
    const captured = captureLog();
    try {
      expect(await retry(USAGE_FLUSH_QUEUE, id)).toEqual({
        status: "success",
        message: `Job ${id} of usage-flush is queued again; a worker runs it next.`,
        values: { queue: USAGE_FLUSH_QUEUE, jobId: id },
      });
    } finally {
      captured.restore();
    }
    expect(captured.lines()).toContainEqual(
      expect.objectContaining({
        msg: "admin retried a dead job",
        queue: USAGE_FLUSH_QUEUE,
        jobId: id,
        adminId: "admin-1",
      }),
    );
    expect(revalidatePath).toHaveBeenCalledWith("/admin/jobs");
    expect(await boss.getJobById(USAGE_FLUSH_QUEUE, id)).toMatchObject({
      state: "retry",
      retryCount: 2,
      retryLimit: 3,
    });

    const [job] = await boss.fetch(USAGE_FLUSH_QUEUE);
    expect(job?.id).toBe(id);
    // That was its one more run: failing again, it is dead again.
    await boss.fail(USAGE_FLUSH_QUEUE, id, { message: "still failing" });
    expect(await stateOf(USAGE_FLUSH_QUEUE, id)).toBe("failed");
  });

  it("answers that a job is not dead any more, and refreshes the out-of-date page", async () => {
    const id = await sendDeadJob(boss, USAGE_FLUSH_QUEUE);
    await retry(USAGE_FLUSH_QUEUE, id);
    revalidatePath.mockReset();
    expect(await retry(USAGE_FLUSH_QUEUE, id)).toEqual({
      status: "error",
      message: `Job ${id} is not failed any more: it is waiting to be retried.`,
    });
    expect(revalidatePath).toHaveBeenCalledWith("/admin/jobs");

    await boss.fetch(USAGE_FLUSH_QUEUE);
    await boss.complete(USAGE_FLUSH_QUEUE, id);
    expect(await retry(USAGE_FLUSH_QUEUE, id)).toMatchObject({
      message: `Job ${id} is not failed any more: it is completed.`,
    });
  });

  it("refuses an unknown queue, a malformed id, and a job the queue does not hold, saying which", async () => {
    const id = await sendDeadJob(boss, STRIPE_EVENTS_QUEUE);
    expect(await retry("pgboss-internal", id)).toEqual({
      status: "error",
      message: "There is no such queue.",
    });
    expect(await retry(STRIPE_EVENTS_QUEUE, "42; drop table pgboss.job")).toEqual({
      status: "error",
      message: "That is not a job id.",
    });
    expect(await retry(USAGE_FLUSH_QUEUE, UNKNOWN_ID)).toEqual({
      status: "error",
      message: `There is no job ${UNKNOWN_ID} in the usage-flush queue.`,
    });
    expect(await retry(USAGE_FLUSH_QUEUE, id)).toEqual({
      status: "error",
      message: `There is no job ${id} in the usage-flush queue.`,
    });
    expect(await stateOf(STRIPE_EVENTS_QUEUE, id)).toBe("failed");
  });

  it("says so when another retry of a one-at-a-time queue is already waiting", async () => {
    const dead = await sendDeadJob(boss, USAGE_FLUSH_QUEUE);
    const waiting = await boss.send(USAGE_FLUSH_QUEUE, {});
    if (!waiting) throw new Error("no second job");
    await boss.fetch(USAGE_FLUSH_QUEUE);
    await boss.fail(USAGE_FLUSH_QUEUE, waiting, { message: "timed out" });
    expect(await stateOf(USAGE_FLUSH_QUEUE, waiting)).toBe("retry");

    expect(await retry(USAGE_FLUSH_QUEUE, dead)).toEqual({
      status: "error",
      message:
        "Another usage-flush job is already waiting to be retried; retry this one once that has run.",
    });
    expect(await stateOf(USAGE_FLUSH_QUEUE, dead)).toBe("failed");
  });

  it("says so when the dead job has been archived", async () => {
    const id = await sendDeadJob(boss, USAGE_FLUSH_QUEUE);
    // An engine that archives dead jobs after a second, instead of the app's week.
    const archiver = new PgBoss({
      db: (await getDatabase()).sql,
      schema: JOB_SCHEMA,
      migrate: false,
      supervise: false,
      schedule: false,
      archiveFailedAfterSeconds: 1,
    });
    await archiver.start();
    try {
      await sleep(1_100);
      await archiver.archive();
    } finally {
      await archiver.stop({ graceful: false, close: false });
    }
    expect(await stateOf(USAGE_FLUSH_QUEUE, id)).toBeUndefined();
    expect(await retry(USAGE_FLUSH_QUEUE, id)).toEqual({
      status: "error",
      message: `Job ${id} has been archived; an archived job cannot be retried.`,
    });
  });
});
