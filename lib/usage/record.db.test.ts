import { and, eq, sum } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { subscriptions, usageRecords, users, workspaceMembers } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import type { Metric, PlanTier } from "@/lib/billing/catalog/plans";
import { AppError } from "@/lib/errors";
import { createWorkspace, ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { recordUsage, recordUsageBatch, type UsageInput } from "./record";
import { usedInWindow } from "./summary";
import { usageWindow } from "./windows";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

const at = (iso: string) => new Date(iso);
let sequence = 0;

/** A user, who owns the personal workspace returned. */
async function createUser(): Promise<{ userId: string; workspaceId: string }> {
  sequence += 1;
  const [user] = await handle.db
    .insert(users)
    .values({ email: `record-${sequence}@example.com` })
    .returning({ id: users.id });
  if (!user) throw new Error("user not inserted");
  const workspace = await ensurePersonalWorkspace(handle.db, user.id);
  return { userId: user.id, workspaceId: workspace.id };
}

/**
 * A workspace, on Free or with an active monthly subscription to `tier` (with the metered
 * API-calls price unless `metered` is false, and the current period starting at `periodStart`).
 */
async function createWorkspaceOn(
  tier: PlanTier = "free",
  metered = true,
  periodStart: Date | null = null,
): Promise<string> {
  const { workspaceId } = await createUser();
  if (tier !== "free") {
    await handle.db.insert(subscriptions).values({
      workspaceId,
      stripeSubscriptionId: `sub_record_${sequence}`,
      stripeCustomerId: `cus_record_${sequence}`,
      planTier: tier,
      billingPeriod: "monthly",
      status: "active",
      meteredPriceId: metered ? `price_${tier}_api_calls` : null,
      currentPeriodStart: periodStart,
    });
  }
  return workspaceId;
}

async function ledgerSum(workspaceId: string, metric: Metric): Promise<number> {
  const [row] = await handle.db
    .select({ total: sum(usageRecords.quantity).mapWith(Number) })
    .from(usageRecords)
    .where(and(eq(usageRecords.workspaceId, workspaceId), eq(usageRecords.metric, metric)));
  return row?.total ?? 0;
}

async function rowCount(workspaceId: string): Promise<number> {
  return (
    await handle.db.select().from(usageRecords).where(eq(usageRecords.workspaceId, workspaceId))
  ).length;
}

/** The AppError a call fails with; fails the test when the call succeeds. */
async function refusal(call: Promise<unknown>): Promise<AppError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("the call succeeded, a refusal was expected");
}

describe("recordUsage", () => {
  it("records usage and queues API calls of a plan with the metered price for Stripe, other usage not", async () => {
    const pro = await createWorkspaceOn("pro");
    const yearly = await createWorkspaceOn("pro", false);
    const free = await createWorkspaceOn();
    const now = at("2026-11-25T10:00:00Z");
    const paidCall = await recordUsage(
      handle.db,
      { workspaceId: pro, metric: "api_calls", quantity: 3 },
      { now },
    );
    const paidVideo = await recordUsage(
      handle.db,
      { workspaceId: pro, metric: "videos_processed", quantity: 1 },
      { now },
    );
    const unmeteredCall = await recordUsage(
      handle.db,
      { workspaceId: yearly, metric: "api_calls", quantity: 1 },
      { now },
    );
    const freeCall = await recordUsage(
      handle.db,
      { workspaceId: free, metric: "api_calls", quantity: 1 },
      { now },
    );
    expect(paidCall).toMatchObject({
      replayed: false,
      record: {
        metric: "api_calls",
        quantity: 3,
        occurredAt: now,
        reportStatus: "pending",
        stripeCustomerId: expect.stringMatching(/^cus_record_/),
        nextReportAt: now,
      },
    });
    expect(paidVideo.record).toMatchObject({ reportStatus: "skip", stripeCustomerId: null });
    expect(unmeteredCall.record).toMatchObject({ reportStatus: "skip", stripeCustomerId: null });
    expect(freeCall.record).toMatchObject({ reportStatus: "skip", stripeCustomerId: null });
  });

  it("records a retry with the same idempotency key once and answers with the first record", async () => {
    const workspaceId = await createWorkspaceOn();
    const input = {
      workspaceId,
      metric: "api_calls" as const,
      quantity: 2,
      idempotencyKey: "req-1",
    };
    const first = await recordUsage(handle.db, input);
    const retry = await recordUsage(handle.db, input);
    expect(first.replayed).toBe(false);
    expect(retry).toEqual({ record: first.record, replayed: true });
    expect(await ledgerSum(workspaceId, "api_calls")).toBe(2);
  });

  it("records concurrent retries with the same idempotency key once", async () => {
    const workspaceId = await createWorkspaceOn();
    const input = {
      workspaceId,
      metric: "api_calls" as const,
      quantity: 1,
      idempotencyKey: "burst",
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, () => recordUsage(handle.db, input)),
    );
    expect(new Set(results.map((result) => result.record.id)).size).toBe(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(await rowCount(workspaceId)).toBe(1);
  });

  it("refuses the same idempotency key with another quantity or metric (409)", async () => {
    const workspaceId = await createWorkspaceOn();
    await recordUsage(handle.db, {
      workspaceId,
      metric: "api_calls",
      quantity: 1,
      idempotencyKey: "k",
    });
    const otherQuantity = await refusal(
      recordUsage(handle.db, {
        workspaceId,
        metric: "api_calls",
        quantity: 2,
        idempotencyKey: "k",
      }),
    );
    const otherMetric = await refusal(
      recordUsage(handle.db, {
        workspaceId,
        metric: "videos_processed",
        quantity: 1,
        idempotencyKey: "k",
      }),
    );
    expect([otherQuantity.status, otherMetric.status]).toEqual([409, 409]);
    expect(otherQuantity.code).toBe("conflict");
    expect(await rowCount(workspaceId)).toBe(1);
  });

  it("keeps idempotency keys per workspace: the same key in two workspaces makes two records", async () => {
    // One person's personal workspace and a team workspace they own: the key is the
    // workspace's, not the person's.
    const { userId, workspaceId: personal } = await createUser();
    const team = await createWorkspace(handle.db, { userId, name: `Record ${sequence}` });
    const a = await recordUsage(handle.db, {
      workspaceId: personal,
      metric: "api_calls",
      quantity: 1,
      idempotencyKey: "shared",
    });
    const b = await recordUsage(handle.db, {
      workspaceId: team.id,
      metric: "api_calls",
      quantity: 5,
      idempotencyKey: "shared",
    });
    expect(b.replayed).toBe(false);
    expect(b.record.id).not.toBe(a.record.id);
    expect([await ledgerSum(personal, "api_calls"), await ledgerSum(team.id, "api_calls")]).toEqual(
      [1, 5],
    );
  });

  it("counts every member's usage against the workspace's one limit", async () => {
    const { userId: owner, workspaceId: ownersPersonal } = await createUser();
    const { userId: member } = await createUser();
    const team = await createWorkspace(handle.db, { userId: owner, name: `Shared ${sequence}` });
    await handle.db
      .insert(workspaceMembers)
      .values({ workspaceId: team.id, userId: member, role: "member" });
    const now = at("2026-11-25T10:00:00Z");
    // Free allows 5 videos a day: the owner uses 3 of the team's, so the member has 2 left.
    await recordUsage(
      handle.db,
      { workspaceId: team.id, metric: "videos_processed", quantity: 3 },
      { now },
    );
    const error = await refusal(
      recordUsage(
        handle.db,
        { workspaceId: team.id, metric: "videos_processed", quantity: 3 },
        { now },
      ),
    );
    expect(error.details).toMatchObject({ limit: 5, used: 3, requested: 3 });
    // The owner's personal workspace has limits of its own.
    await recordUsage(
      handle.db,
      { workspaceId: ownersPersonal, metric: "videos_processed", quantity: 5 },
      { now },
    );
    expect(await ledgerSum(team.id, "videos_processed")).toBe(3);
  });

  it("records exactly up to the limit when 50 calls race for the last 10 units", async () => {
    const workspaceId = await createWorkspaceOn("enterprise");
    const now = new Date();
    // Enterprise allows 100,000 API calls a month; 99,990 are used.
    await handle.db.insert(usageRecords).values({
      workspaceId,
      metric: "api_calls",
      quantity: 99_990,
      occurredAt: now,
      createdAt: now,
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        recordUsage(handle.db, { workspaceId, metric: "api_calls", quantity: 1 }, { now }),
      ),
    );
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === "rejected" ? [outcome.reason] : [],
    );
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const error of refused) {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        code: "limit_exceeded",
        status: 429,
        details: { metric: "api_calls", limit: 100_000, used: 100_000, requested: 1 },
      });
    }
    expect(await ledgerSum(workspaceId, "api_calls")).toBe(100_000);
  });

  it("answers 402 naming the plan that would allow it when upgrading helps", async () => {
    const workspaceId = await createWorkspaceOn();
    const now = at("2026-11-25T10:00:00Z");
    await recordUsage(handle.db, { workspaceId, metric: "api_calls", quantity: 100 }, { now });
    const error = await refusal(
      recordUsage(handle.db, { workspaceId, metric: "api_calls", quantity: 1 }, { now }),
    );
    expect(error.status).toBe(402);
    expect(error.code).toBe("payment_required");
    expect(error.message).toContain("Upgrade to Pro for 10,000 API calls a month.");
    expect(error.details).toEqual({
      metric: "api_calls",
      limit: 100,
      used: 100,
      requested: 1,
      resetsAt: "2026-12-01T00:00:00.000Z",
      upgradeTo: "pro",
    });
    // Past Pro's limit too, the plan that allows it is named.
    const big = await refusal(
      recordUsage(handle.db, { workspaceId, metric: "api_calls", quantity: 50_000 }, { now }),
    );
    expect(big.message).toContain("Upgrade to Enterprise for 100,000 API calls a month.");
  });

  it("starts the monthly count again at midnight UTC on the first of the month", async () => {
    const workspaceId = await createWorkspaceOn("enterprise");
    const lastMoment = at("2026-11-30T23:59:59.999Z");
    await handle.db.insert(usageRecords).values({
      workspaceId,
      metric: "api_calls",
      quantity: 100_000,
      occurredAt: lastMoment,
      createdAt: lastMoment,
    });
    const error = await refusal(
      recordUsage(
        handle.db,
        { workspaceId, metric: "api_calls", quantity: 1 },
        { now: lastMoment },
      ),
    );
    expect(error.status).toBe(429);
    expect(error.message).toContain("The count resets at 2026-12-01T00:00:00.000Z.");
    expect(error.details?.resetsAt).toBe("2026-12-01T00:00:00.000Z");
    expect(error.headers?.["Retry-After"]).toBe("1");

    const next = await recordUsage(
      handle.db,
      { workspaceId, metric: "api_calls", quantity: 1 },
      { now: at("2026-12-01T00:00:00Z") },
    );
    expect(next.record.occurredAt).toEqual(at("2026-12-01T00:00:00Z"));
  });

  it("starts the daily count again at midnight UTC", async () => {
    const workspaceId = await createWorkspaceOn();
    const evening = at("2026-11-25T23:59:00Z");
    await recordUsage(
      handle.db,
      { workspaceId, metric: "videos_processed", quantity: 5 },
      { now: evening },
    );
    const error = await refusal(
      recordUsage(
        handle.db,
        { workspaceId, metric: "videos_processed", quantity: 1 },
        { now: evening },
      ),
    );
    expect(error.details).toMatchObject({
      limit: 5,
      used: 5,
      resetsAt: "2026-11-26T00:00:00.000Z",
    });
    await recordUsage(
      handle.db,
      { workspaceId, metric: "videos_processed", quantity: 5 },
      { now: at("2026-11-26T00:00:00Z") },
    );
    expect(await ledgerSum(workspaceId, "videos_processed")).toBe(10);
  });

  it("checks storage as a level: the new total against the limit, whatever came before", async () => {
    const workspaceId = await createWorkspaceOn();
    const gb = 1024 ** 3;
    const now = at("2026-11-25T10:00:00Z");
    await recordUsage(handle.db, { workspaceId, metric: "storage_bytes", quantity: gb }, { now });
    // Levels are not added up: one gigabyte again is still within Free's one gigabyte.
    await recordUsage(handle.db, { workspaceId, metric: "storage_bytes", quantity: gb }, { now });
    const error = await refusal(
      recordUsage(handle.db, { workspaceId, metric: "storage_bytes", quantity: gb + 1 }, { now }),
    );
    expect(error.status).toBe(402);
    expect(error.details).toMatchObject({ limit: gb, used: gb, requested: gb + 1, resetsAt: null });
  });

  it("refuses records that are not valid, naming the field", async () => {
    const workspaceId = await createWorkspaceOn();
    const now = at("2026-11-25T10:00:00Z");
    const cases: Array<[Partial<UsageInput> & { idempotencyKey?: string }, string]> = [
      [{ quantity: 0 }, "quantity"],
      [{ quantity: 1.5 }, "quantity"],
      [{ metric: "bananas" as Metric }, "metric"],
      [{ occurredAt: at("2026-11-25T10:06:00Z") }, "occurredAt"],
      [{ occurredAt: at("2026-10-20T10:00:00Z") }, "occurredAt"],
      [{ idempotencyKey: "" }, "idempotencyKey"],
      [{ idempotencyKey: "with space" }, "idempotencyKey"],
    ];
    for (const [change, path] of cases) {
      const error = await refusal(
        recordUsage(
          handle.db,
          { workspaceId, metric: "api_calls", quantity: 1, ...change },
          { now },
        ),
      );
      expect(error.status).toBe(422);
      expect(error.details).toMatchObject({ fields: [{ path }] });
    }
    expect(await rowCount(workspaceId)).toBe(0);
  });
});

describe("recordUsage with occurredAt", () => {
  const gb = 1024 ** 3;
  const now = at("2026-12-03T10:00:00Z");
  /** Records `quantity` of `metric` for the workspace at `now`, dated `occurredAt` when given. */
  const dated = (workspaceId: string, metric: Metric, quantity: number, occurredAt?: string) =>
    recordUsage(
      handle.db,
      { workspaceId, metric, quantity, occurredAt: occurredAt ? at(occurredAt) : null },
      { now },
    );
  /** A Pro workspace reporting API calls to Stripe, whose billing period began in November. */
  const meteredSinceNovember = () => createWorkspaceOn("pro", true, at("2026-11-15T00:00:00Z"));

  it("checks a backdated record against the window that contains now, so a past window's room cannot be used", async () => {
    const workspaceId = await meteredSinceNovember();
    await dated(workspaceId, "api_calls", 10_000);
    // November, the same billing period, had all of its 10,000 calls free.
    const error = await refusal(dated(workspaceId, "api_calls", 1, "2026-11-20T00:00:00Z"));
    expect(error.status).toBe(402);
    expect(error.details).toMatchObject({ limit: 10_000, used: 10_000, requested: 1 });
  });

  it("counts a backdated record in the window it was recorded in", async () => {
    const workspaceId = await meteredSinceNovember();
    const { record } = await dated(workspaceId, "api_calls", 6_000, "2026-11-20T00:00:00Z");
    expect(record).toMatchObject({ occurredAt: at("2026-11-20T00:00:00Z"), createdAt: now });
    expect(
      await usedInWindow(handle.db, workspaceId, "api_calls", usageWindow("api_calls", now)),
    ).toBe(6_000);
    const error = await refusal(dated(workspaceId, "api_calls", 5_000));
    expect(error.details).toMatchObject({ used: 6_000, requested: 5_000 });
  });

  it("refuses reported API calls dated before the current billing period's start, naming it", async () => {
    const workspaceId = await meteredSinceNovember();
    const error = await refusal(dated(workspaceId, "api_calls", 1, "2026-11-14T23:59:59Z"));
    expect(error.status).toBe(422);
    expect(error.message).toBe(
      "occurredAt must not be before 2026-11-15T00:00:00.000Z, the start of your current " +
        "billing period.",
    );
    expect(error.details).toMatchObject({ fields: [{ path: "occurredAt" }] });
    // The period's first moment is fine.
    const first = await dated(workspaceId, "api_calls", 1, "2026-11-15T00:00:00Z");
    expect(first.record.reportStatus).toBe("pending");
  });

  it("refuses reported API calls more than 30 days old while the period start is unknown", async () => {
    const workspaceId = await createWorkspaceOn("pro");
    const error = await refusal(dated(workspaceId, "api_calls", 1, "2026-11-03T09:59:59Z"));
    expect(error.message).toBe(
      "occurredAt must not be before 2026-11-03T10:00:00.000Z, 30 days ago.",
    );
  });

  it("refuses other records dated before the start of the limit window that contains now", async () => {
    const free = await createWorkspaceOn();
    const yearly = await createWorkspaceOn("pro", false, at("2026-11-15T00:00:00Z"));
    expect((await refusal(dated(free, "api_calls", 1, "2026-11-30T23:59:59Z"))).message).toBe(
      "occurredAt must not be before 2026-12-01T00:00:00.000Z, the start of the current UTC " +
        "month, when its monthly limit's count began.",
    );
    // API calls not reported to Stripe (a yearly plan) keep to the month as well.
    expect((await refusal(dated(yearly, "api_calls", 1, "2026-11-20T00:00:00Z"))).status).toBe(422);
    expect(
      (await refusal(dated(free, "videos_processed", 1, "2026-12-02T23:59:59Z"))).message,
    ).toBe(
      "occurredAt must not be before 2026-12-03T00:00:00.000Z, the start of the current UTC " +
        "day, when its daily limit's count began.",
    );
    await dated(free, "videos_processed", 1, "2026-12-03T00:00:00Z");
    expect(await rowCount(free)).toBe(1);
    expect(await rowCount(yearly)).toBe(0);
  });

  it("takes a record up to 5 minutes ahead and refuses one 6 minutes ahead", async () => {
    const workspaceId = await createWorkspaceOn();
    await dated(workspaceId, "api_calls", 1, "2026-12-03T10:05:00Z");
    const error = await refusal(dated(workspaceId, "api_calls", 1, "2026-12-03T10:06:00Z"));
    expect(error.status).toBe(422);
    expect(error.message).toBe("occurredAt must be at most 5 minutes ahead of the current time.");
  });

  it("keeps one storage row per UTC hour, holding the hour's latest level", async () => {
    const workspaceId = await createWorkspaceOn("pro");
    const level = (quantity: number, occurredAt: string) =>
      dated(workspaceId, "storage_bytes", quantity, occurredAt);
    const first = await level(1 * gb, "2026-12-03T09:05:00Z");
    const later = await level(3 * gb, "2026-12-03T09:40:00Z");
    // Measured earlier in the hour than the row's level: the row keeps the later one.
    const earlier = await level(2 * gb, "2026-12-03T09:20:00Z");
    expect(later.record).toMatchObject({ id: first.record.id, quantity: 3 * gb });
    expect(earlier.record).toMatchObject({ id: first.record.id, quantity: 3 * gb });
    await recordUsageBatch(
      handle.db,
      workspaceId,
      [
        { metric: "storage_bytes", quantity: 4 * gb, occurredAt: at("2026-12-03T08:10:00Z") },
        { metric: "storage_bytes", quantity: 5 * gb, occurredAt: at("2026-12-03T08:50:00Z") },
      ],
      { now },
    );
    const rows = await handle.db
      .select({ quantity: usageRecords.quantity, occurredAt: usageRecords.occurredAt })
      .from(usageRecords)
      .where(eq(usageRecords.workspaceId, workspaceId))
      .orderBy(usageRecords.occurredAt);
    expect(rows).toEqual([
      { quantity: 5 * gb, occurredAt: at("2026-12-03T08:50:00Z") },
      { quantity: 3 * gb, occurredAt: at("2026-12-03T09:40:00Z") },
    ]);
    expect(
      await usedInWindow(
        handle.db,
        workspaceId,
        "storage_bytes",
        usageWindow("storage_bytes", now),
      ),
    ).toBe(3 * gb);
  });

  it("replays the key a storage hour's row was created with, whatever level it holds now", async () => {
    const workspaceId = await createWorkspaceOn("pro");
    const first = await recordUsage(
      handle.db,
      { workspaceId, metric: "storage_bytes", quantity: gb, idempotencyKey: "level-1" },
      { now: at("2026-12-03T10:05:00Z") },
    );
    await recordUsage(
      handle.db,
      { workspaceId, metric: "storage_bytes", quantity: 2 * gb, idempotencyKey: "level-2" },
      { now: at("2026-12-03T10:30:00Z") },
    );
    const retry = await recordUsage(
      handle.db,
      { workspaceId, metric: "storage_bytes", quantity: gb, idempotencyKey: "level-1" },
      { now: at("2026-12-03T10:45:00Z") },
    );
    expect(retry).toMatchObject({
      replayed: true,
      record: { id: first.record.id, quantity: 2 * gb, idempotencyKey: "level-1" },
    });
    expect(await rowCount(workspaceId)).toBe(1);
    const otherMetric = await refusal(
      recordUsage(handle.db, {
        workspaceId,
        metric: "api_calls",
        quantity: 1,
        idempotencyKey: "level-1",
      }),
    );
    expect(otherMetric.status).toBe(409);
  });
});

describe("recordUsageBatch", () => {
  const calls = (count: number): UsageInput[] =>
    Array.from({ length: count }, () => ({ metric: "matches_performed", quantity: 1 }));

  it("records a 1,000-record batch in one go", async () => {
    const workspaceId = await createWorkspaceOn("enterprise");
    const results = await recordUsageBatch(handle.db, workspaceId, calls(1_000));
    expect(results).toHaveLength(1_000);
    expect(results.every((result) => !result.replayed)).toBe(true);
    expect(await ledgerSum(workspaceId, "matches_performed")).toBe(1_000);
  });

  it("records nothing from a 1,000-record batch with one invalid record, and names it", async () => {
    const workspaceId = await createWorkspaceOn("enterprise");
    const records = calls(1_000);
    records[517] = { metric: "matches_performed", quantity: -3 };
    const error = await refusal(recordUsageBatch(handle.db, workspaceId, records));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/^Record 517 is not valid: quantity/);
    expect(error.details).toMatchObject({
      index: 517,
      fields: [{ path: "records.517.quantity" }],
    });
    expect(await rowCount(workspaceId)).toBe(0);
  });

  it("records nothing from a batch that would pass a limit, and names the record that does", async () => {
    const workspaceId = await createWorkspaceOn();
    const now = at("2026-11-25T10:00:00Z");
    // Free allows 50 matches a day: the 51st record of the batch crosses it.
    const error = await refusal(recordUsageBatch(handle.db, workspaceId, calls(60), { now }));
    expect(error.status).toBe(402);
    expect(error.message).toMatch(/^Record 50: /);
    expect(error.details).toMatchObject({ index: 50, limit: 50, used: 50, requested: 1 });
    expect(await rowCount(workspaceId)).toBe(0);
  });

  it("counts a backdated record in the window that contains now, not in the window of its own time", async () => {
    // Pro allows 10,000 API calls a month; the billing period began in November.
    const workspaceId = await createWorkspaceOn("pro", true, at("2026-11-15T00:00:00Z"));
    const now = at("2026-12-03T10:00:00Z");
    const records: UsageInput[] = [
      { metric: "api_calls", quantity: 6_000, occurredAt: at("2026-11-20T12:00:00Z") },
      { metric: "api_calls", quantity: 5_000 },
    ];
    const error = await refusal(recordUsageBatch(handle.db, workspaceId, records, { now }));
    expect(error.status).toBe(402);
    expect(error.details).toMatchObject({ index: 1, limit: 10_000, used: 6_000, requested: 5_000 });
    expect(await rowCount(workspaceId)).toBe(0);
  });

  it("records a batch under one key as `<key> <index>` and replays it when sent again", async () => {
    const workspaceId = await createWorkspaceOn();
    const records: UsageInput[] = [
      { metric: "api_calls", quantity: 1 },
      { metric: "videos_processed", quantity: 2 },
    ];
    const first = await recordUsageBatch(handle.db, workspaceId, records, {
      idempotencyKey: "nightly",
    });
    expect(first.map((result) => result.record.idempotencyKey)).toEqual(["nightly 0", "nightly 1"]);
    const again = await recordUsageBatch(handle.db, workspaceId, records, {
      idempotencyKey: "nightly",
    });
    expect(again.map((result) => result.record.id)).toEqual(
      first.map((result) => result.record.id),
    );
    expect(again.every((result) => result.replayed)).toBe(true);
    expect(await rowCount(workspaceId)).toBe(2);
  });

  it("keeps a batch's keys apart from single records' keys: `K:0` alone is not record 0 of batch `K`", async () => {
    const workspaceId = await createWorkspaceOn();
    const single = await recordUsage(handle.db, {
      workspaceId,
      metric: "api_calls",
      quantity: 1,
      idempotencyKey: "K:0",
    });
    const [batchRecord] = await recordUsageBatch(
      handle.db,
      workspaceId,
      [{ metric: "api_calls", quantity: 2 }],
      { idempotencyKey: "K" },
    );
    expect(batchRecord).toMatchObject({ replayed: false, record: { quantity: 2 } });
    expect(batchRecord?.record.id).not.toBe(single.record.id);
    // And the other way round: a single record cannot name a batch's record.
    const forged = await refusal(
      recordUsage(handle.db, {
        workspaceId,
        metric: "api_calls",
        quantity: 2,
        idempotencyKey: "K 0",
      }),
    );
    expect(forged.status).toBe(422);
    expect(forged.details).toMatchObject({ fields: [{ path: "idempotencyKey" }] });
    expect(await ledgerSum(workspaceId, "api_calls")).toBe(3);
  });

  it("refuses an empty batch and one of more than 1,000 records", async () => {
    const workspaceId = await createWorkspaceOn("enterprise");
    expect((await refusal(recordUsageBatch(handle.db, workspaceId, []))).status).toBe(422);
    expect((await refusal(recordUsageBatch(handle.db, workspaceId, calls(1_001)))).status).toBe(
      422,
    );
  });
});
