import { setTimeout as sleep } from "node:timers/promises";
import type PgBoss from "pg-boss";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useAppDatabase } from "@/db/testing";
import {
  QUEUES,
  RATE_LIMIT_CLEANUP_QUEUE,
  STRIPE_EVENTS_QUEUE,
  USAGE_FLUSH_QUEUE,
  WEBHOOK_REPLAY_QUEUE,
} from "@/lib/jobs/queues";
import { getJobs } from "@/lib/jobs/send";
import { sendDeadJob } from "@/lib/testing/jobs";
import { getQueueOverview, type JobCounts, listDeadJobs, MESSAGE_LIMIT } from "./jobs";

const app = useAppDatabase();
let boss: PgBoss;

/** A queue pg-boss holds that Tollgate does not define (say, one a removed job left behind). */
const FOREIGN_QUEUE = "not-tollgates";

const NONE: JobCounts = { created: 0, retry: 0, active: 0, completed: 0, cancelled: 0, failed: 0 };

beforeAll(async () => {
  boss = await getJobs();
  await boss.createQueue(FOREIGN_QUEUE, { name: FOREIGN_QUEUE, retryLimit: 0 });
});

beforeEach(async () => {
  await boss.clearStorage();
});

async function countsOf(queue: string): Promise<JobCounts | undefined> {
  return (await getQueueOverview(app.db)).find((overview) => overview.name === queue)?.counts;
}

describe("getQueueOverview", () => {
  it("lists every defined queue in order, with its definition and no jobs", async () => {
    expect(await getQueueOverview(app.db)).toEqual(
      QUEUES.map((queue) => ({
        name: queue.name,
        description: queue.description,
        policy: queue.policy,
        retryLimit: queue.retryLimit,
        cron: queue.cron,
        counts: NONE,
      })),
    );
  });

  it("counts each queue's jobs by state, and leaves out queues Tollgate does not define", async () => {
    await sendDeadJob(boss, USAGE_FLUSH_QUEUE);
    await sendDeadJob(boss, FOREIGN_QUEUE);

    // rate-limit-cleanup (stately): one completed, one running, one waiting.
    await boss.send(RATE_LIMIT_CLEANUP_QUEUE, {});
    const [done] = await boss.fetch(RATE_LIMIT_CLEANUP_QUEUE);
    if (!done) throw new Error("no job to complete");
    await boss.complete(RATE_LIMIT_CLEANUP_QUEUE, done.id, { deleted: 3 });
    await boss.send(RATE_LIMIT_CLEANUP_QUEUE, {});
    expect(await boss.fetch(RATE_LIMIT_CLEANUP_QUEUE)).toHaveLength(1);
    await boss.send(RATE_LIMIT_CLEANUP_QUEUE, {});

    // stripe-events (short, one waiting job per customer): one failed once, one waiting, one
    // cancelled.
    await boss.send(STRIPE_EVENTS_QUEUE, { stripeCustomerId: "cus_a" }, { singletonKey: "cus_a" });
    const [failing] = await boss.fetch(STRIPE_EVENTS_QUEUE);
    if (!failing) throw new Error("no job to fail");
    await boss.fail(STRIPE_EVENTS_QUEUE, failing.id, { message: "Stripe timed out" });
    await boss.send(STRIPE_EVENTS_QUEUE, { stripeCustomerId: "cus_b" }, { singletonKey: "cus_b" });
    const cancelled = await boss.send(
      STRIPE_EVENTS_QUEUE,
      { stripeCustomerId: "cus_c" },
      { singletonKey: "cus_c" },
    );
    if (!cancelled) throw new Error("no job to cancel");
    await boss.cancel(STRIPE_EVENTS_QUEUE, cancelled);

    const overview = await getQueueOverview(app.db);
    expect(overview.map((queue) => queue.name)).toEqual(QUEUES.map((queue) => queue.name));
    expect(Object.fromEntries(overview.map((queue) => [queue.name, queue.counts]))).toEqual({
      ...Object.fromEntries(QUEUES.map((queue) => [queue.name, NONE])),
      [USAGE_FLUSH_QUEUE]: { ...NONE, failed: 1 },
      [RATE_LIMIT_CLEANUP_QUEUE]: { ...NONE, created: 1, active: 1, completed: 1 },
      [STRIPE_EVENTS_QUEUE]: { ...NONE, created: 1, retry: 1, cancelled: 1 },
    });
  });

  it("counts a retried dead job as waiting for its retry", async () => {
    const id = await sendDeadJob(boss, USAGE_FLUSH_QUEUE);
    expect(await countsOf(USAGE_FLUSH_QUEUE)).toEqual({ ...NONE, failed: 1 });
    await boss.retry(USAGE_FLUSH_QUEUE, id);
    expect(await countsOf(USAGE_FLUSH_QUEUE)).toEqual({ ...NONE, retry: 1 });
  });
});

describe("listDeadJobs", () => {
  it("lists dead jobs newest first: queue, id, time, retries, the error, and the data's ids only", async () => {
    const started = Date.now();
    const flush = await sendDeadJob(boss, USAGE_FLUSH_QUEUE, {
      output: { message: "Stripe answered 500 <b>twice</b>" },
    });
    const events = await sendDeadJob(boss, STRIPE_EVENTS_QUEUE, {
      data: {
        stripeCustomerId: "cus_123",
        email: "someone@example.com",
        attemptId: 7,
        nested: { innerId: "x" },
      },
      output: { message: "x".repeat(1_000), stack: "Error: x\n    at handler" },
    });
    // A job whose worker died: pg-boss fails it by timeout and writes its own message.
    const expired = await boss.send(
      WEBHOOK_REPLAY_QUEUE,
      {},
      { retryLimit: 0, expireInSeconds: 1 },
    );
    expect(await boss.fetch(WEBHOOK_REPLAY_QUEUE)).toHaveLength(1);
    await sleep(1_100);
    await boss.expire();
    await sendDeadJob(boss, FOREIGN_QUEUE);

    const jobs = await listDeadJobs(app.db);
    expect(jobs).toEqual([
      {
        id: expired,
        queue: WEBHOOK_REPLAY_QUEUE,
        failedAt: expect.any(Date),
        retryCount: 0,
        retryLimit: 0,
        message: "job failed by timeout in active state",
        ids: {},
      },
      {
        id: events,
        queue: STRIPE_EVENTS_QUEUE,
        failedAt: expect.any(Date),
        retryCount: 10,
        retryLimit: 10,
        message: `${"x".repeat(MESSAGE_LIMIT)}…`,
        ids: { stripeCustomerId: "cus_123" },
      },
      {
        id: flush,
        queue: USAGE_FLUSH_QUEUE,
        failedAt: expect.any(Date),
        retryCount: 2,
        retryLimit: 2,
        message: "Stripe answered 500 <b>twice</b>",
        ids: {},
      },
    ]);
    const times = jobs.map((job) => job.failedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(times.every((time) => time >= started - 1_000 && time <= Date.now() + 1_000)).toBe(true);

    expect((await listDeadJobs(app.db, { limit: 2 })).map((job) => job.id)).toEqual([
      expired,
      events,
    ]);
  });

  it("lists nothing once the dead job is retried", async () => {
    const id = await sendDeadJob(boss, USAGE_FLUSH_QUEUE);
    expect((await listDeadJobs(app.db)).map((job) => job.id)).toEqual([id]);
    await boss.retry(USAGE_FLUSH_QUEUE, id);
    expect(await listDeadJobs(app.db)).toEqual([]);
  });
});
