import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useAppDatabase } from "@/db/testing";
import { sendDeadJob } from "@/lib/testing/jobs";
import { RATE_LIMIT_CLEANUP_QUEUE, USAGE_FLUSH_QUEUE } from "./queues";
import { getJobs } from "./send";

const app = useAppDatabase();

/** Moves a finished job's end back in time, as if it had ended `hours` ago. */
async function endedHoursAgo(id: string, hours: number): Promise<void> {
  await app.db.execute(
    sql`update pgboss.job set completed_on = now() - ${hours} * interval '1 hour' where id = ${id}`,
  );
}

describe("startEngine", () => {
  it("archives completed jobs after 12 hours, and dead jobs only after a week", async () => {
    const boss = await getJobs();
    const done = await boss.send(RATE_LIMIT_CLEANUP_QUEUE, {});
    if (!done) throw new Error("no job");
    await boss.fetch(RATE_LIMIT_CLEANUP_QUEUE);
    await boss.complete(RATE_LIMIT_CLEANUP_QUEUE, done);
    const dead = await sendDeadJob(boss, USAGE_FLUSH_QUEUE);
    const older = await sendDeadJob(boss, USAGE_FLUSH_QUEUE);
    await endedHoursAgo(done, 13);
    await endedHoursAgo(dead, 6 * 24);
    await endedHoursAgo(older, 7 * 24 + 1);

    await boss.archive();

    expect(await boss.getJobById(RATE_LIMIT_CLEANUP_QUEUE, done)).toBeNull();
    expect(await boss.getJobById(USAGE_FLUSH_QUEUE, dead)).toMatchObject({ state: "failed" });
    expect(await boss.getJobById(USAGE_FLUSH_QUEUE, older)).toBeNull();
    expect(await boss.getJobById(USAGE_FLUSH_QUEUE, older, { includeArchive: true })).toMatchObject(
      { state: "failed" },
    );
  });
});
