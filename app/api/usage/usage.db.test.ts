import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { subscriptions, usageRecords, users, workspaceMembers } from "@/db/schema";
import { useAppDatabase } from "@/db/testing";
import { createApiKey } from "@/lib/auth/api-keys";
import type { PlanTier } from "@/lib/billing/catalog/plans";
import { noParams, sessionCookie, testRequest } from "@/lib/testing/http";
import { createWorkspace, ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { GET, POST } from "./route";

// The route uses the process-wide database; this file hands it one of its own.
const handle = useAppDatabase();

interface Caller {
  id: string;
  cookie: string;
  /** The caller's personal workspace, which a session call acts on without a header. */
  workspaceId: string;
}

let sequence = 0;
async function createCaller(tier: PlanTier = "free"): Promise<Caller> {
  sequence += 1;
  const [user] = await handle.db
    .insert(users)
    .values({ email: `usage-route-${sequence}@example.com` })
    .returning({ id: users.id });
  if (!user) throw new Error("user not inserted");
  const workspaceId = (await ensurePersonalWorkspace(handle.db, user.id)).id;
  if (tier !== "free") {
    await handle.db.insert(subscriptions).values({
      workspaceId,
      stripeSubscriptionId: `sub_usage_route_${sequence}`,
      stripeCustomerId: `cus_usage_route_${sequence}`,
      planTier: tier,
      billingPeriod: "monthly",
      status: "active",
    });
  }
  return { id: user.id, cookie: await sessionCookie({ id: user.id }), workspaceId };
}

interface RecordBody {
  id: string;
  metric: string;
  quantity: number;
  occurredAt: string;
  idempotencyKey: string | null;
  replayed?: boolean;
}

interface ErrorBody {
  error: { code: string; message: string } & Record<string, unknown>;
}

async function post(
  caller: Caller,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await POST(
    testRequest("/api/usage", { body, cookie: caller.cookie, headers }),
    noParams(),
  );
  return { status: response.status, body: await response.json(), headers: response.headers };
}

async function rows(workspaceId: string) {
  return handle.db.select().from(usageRecords).where(eq(usageRecords.workspaceId, workspaceId));
}

describe("POST /api/usage", () => {
  it("records one record in a signed-in user's personal workspace and answers 201 with it", async () => {
    const caller = await createCaller();
    const response = await post(caller, {
      metric: "api_calls",
      quantity: 3,
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      replayed: false,
      record: { metric: "api_calls", quantity: 3, idempotencyKey: null },
    });
    expect(await rows(caller.workspaceId)).toHaveLength(1);
  });

  it("records in the workspace of an API key", async () => {
    const caller = await createCaller();
    const { key } = await createApiKey(handle.db, {
      userId: caller.id,
      workspaceId: caller.workspaceId,
      sessionVersion: 0,
      name: "worker",
    });
    const response = await POST(
      testRequest("/api/usage", { body: { metric: "videos_processed", quantity: 1 }, apiKey: key }),
      noParams(),
    );
    expect(response.status).toBe(201);
    expect(await rows(caller.workspaceId)).toMatchObject([
      { metric: "videos_processed", quantity: 1 },
    ]);
  });

  it("needs a session or an API key", async () => {
    const response = await POST(
      testRequest("/api/usage", { body: { metric: "api_calls", quantity: 1 } }),
      noParams(),
    );
    expect(response.status).toBe(401);
    const badKey = await POST(
      testRequest("/api/usage", {
        body: { metric: "api_calls", quantity: 1 },
        apiKey: "tg_00000000_not-a-real-key-not-a-real-key-xx",
      }),
      noParams(),
    );
    expect(badKey.status).toBe(401);
  });

  it("answers a retry with the same Idempotency-Key with the first record, 200 and replayed", async () => {
    const caller = await createCaller();
    const headers = { "Idempotency-Key": "job-42" };
    const first = await post(caller, { metric: "api_calls", quantity: 2 }, headers);
    const retry = await post(caller, { metric: "api_calls", quantity: 2 }, headers);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    const firstRecord = (first.body as { record: RecordBody }).record;
    expect(retry.body).toEqual({ record: firstRecord, replayed: true });
    expect(firstRecord.idempotencyKey).toBe("job-42");

    const changed = await post(caller, { metric: "api_calls", quantity: 5 }, headers);
    expect(changed.status).toBe(409);
    expect((changed.body as ErrorBody).error.code).toBe("conflict");
    expect(await rows(caller.workspaceId)).toHaveLength(1);
  });

  it("records a batch with one key per record derived from the Idempotency-Key, and replays it", async () => {
    const caller = await createCaller();
    const body = {
      records: [
        { metric: "api_calls", quantity: 1 },
        { metric: "matches_performed", quantity: 4 },
      ],
    };
    const headers = { "Idempotency-Key": "nightly" };
    const first = await post(caller, body, headers);
    expect(first.status).toBe(201);
    const records = (first.body as { records: RecordBody[] }).records;
    expect(records.map((record) => [record.idempotencyKey, record.replayed])).toEqual([
      ["nightly 0", false],
      ["nightly 1", false],
    ]);
    const again = await post(caller, body, headers);
    expect(again.status).toBe(200);
    expect((again.body as { replayed: boolean }).replayed).toBe(true);
    expect(await rows(caller.workspaceId)).toHaveLength(2);
  });

  it("records a single call keyed `K:0` apart from record 0 of a batch keyed `K`", async () => {
    const caller = await createCaller();
    const batch = await post(
      caller,
      { records: [{ metric: "api_calls", quantity: 1 }] },
      { "Idempotency-Key": "K" },
    );
    const single = await post(
      caller,
      { metric: "api_calls", quantity: 5 },
      { "Idempotency-Key": "K:0" },
    );
    expect([batch.status, single.status]).toEqual([201, 201]);
    expect((single.body as { record: RecordBody }).record).toMatchObject({
      quantity: 5,
      idempotencyKey: "K:0",
    });
    expect(await rows(caller.workspaceId)).toHaveLength(2);
    // A key cannot hold the space that batch keys carry.
    const forged = await post(
      caller,
      { metric: "api_calls", quantity: 1 },
      { "Idempotency-Key": "K 0" },
    );
    expect(forged.status).toBe(400);
  });

  it("refuses a record dated more than 5 minutes ahead, or before the current window, naming the bound", async () => {
    const caller = await createCaller();
    const now = Date.now();
    const ahead = await post(caller, {
      metric: "api_calls",
      quantity: 1,
      occurredAt: new Date(now + 6 * 60_000).toISOString(),
    });
    expect(ahead.status).toBe(422);
    expect((ahead.body as ErrorBody).error.message).toBe(
      "occurredAt must be at most 5 minutes ahead of the current time.",
    );
    const dayStart = new Date(Math.floor(now / 86_400_000) * 86_400_000);
    const old = await post(caller, {
      metric: "videos_processed",
      quantity: 1,
      occurredAt: new Date(dayStart.getTime() - 1_000).toISOString(),
    });
    expect(old.status).toBe(422);
    expect((old.body as ErrorBody).error).toMatchObject({
      code: "validation_failed",
      message: expect.stringContaining(`must not be before ${dayStart.toISOString()}`),
      fields: [{ path: "occurredAt" }],
    });
    expect(await rows(caller.workspaceId)).toHaveLength(0);
  });

  it("refuses a 1,000-record batch with one invalid record, naming it, and records nothing", async () => {
    const caller = await createCaller("enterprise");
    const records: unknown[] = Array.from({ length: 1_000 }, () => ({
      metric: "matches_performed",
      quantity: 1,
    }));
    records[731] = { metric: "matches_performed", quantity: "one" };
    const response = await post(caller, { records });
    expect(response.status).toBe(422);
    const { error } = response.body as ErrorBody;
    expect(error).toMatchObject({
      code: "validation_failed",
      index: 731,
      fields: [{ path: "records.731.quantity" }],
    });
    expect(error.message).toMatch(/^Record 731 is not valid: records\.731\.quantity/);
    expect(await rows(caller.workspaceId)).toHaveLength(0);

    records[731] = { metric: "matches_performed", quantity: 1 };
    const fine = await post(caller, { records });
    expect(fine.status).toBe(201);
    expect(await rows(caller.workspaceId)).toHaveLength(1_000);
  });

  it("answers clear 400 and 422 errors for bodies that are not valid", async () => {
    const caller = await createCaller();
    const cases: Array<[unknown, number, string]> = [
      ["{not json", 400, "invalid_json"],
      [{ metric: "api_calls" }, 422, "validation_failed"],
      [{ metric: "bananas", quantity: 1 }, 422, "validation_failed"],
      [{ metric: "api_calls", quantity: 1, qty: 1 }, 422, "validation_failed"],
      [{ metric: "api_calls", quantity: 1, occurredAt: "yesterday" }, 422, "validation_failed"],
      [{ metric: "api_calls", quantity: 0 }, 422, "validation_failed"],
      [{ records: [] }, 422, "validation_failed"],
      [
        { records: Array.from({ length: 1_001 }, () => ({ metric: "api_calls", quantity: 1 })) },
        422,
        "validation_failed",
      ],
    ];
    for (const [body, status, code] of cases) {
      const response = await post(caller, body);
      expect([response.status, (response.body as ErrorBody).error.code]).toEqual([status, code]);
    }
    const badKey = await post(
      caller,
      { metric: "api_calls", quantity: 1 },
      { "Idempotency-Key": "x".repeat(201) },
    );
    expect(badKey.status).toBe(400);
    expect(await rows(caller.workspaceId)).toHaveLength(0);
  });

  it("refuses 40 of 50 concurrent calls against the last 10 units with 429 and the limit", async () => {
    const caller = await createCaller("enterprise");
    await handle.db.insert(usageRecords).values({
      workspaceId: caller.workspaceId,
      metric: "api_calls",
      quantity: 99_990,
    });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => post(caller, { metric: "api_calls", quantity: 1 })),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(10);
    const refused = responses.filter((response) => response.status === 429);
    expect(refused).toHaveLength(40);
    const monthEnd = new Date(
      Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1),
    ).toISOString();
    for (const response of refused) {
      expect(response.body).toEqual({
        error: {
          code: "limit_exceeded",
          message: expect.stringContaining(`The count resets at ${monthEnd}.`),
          metric: "api_calls",
          limit: 100_000,
          used: 100_000,
          requested: 1,
          resetsAt: monthEnd,
        },
      });
      expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
    }
  });

  it("answers 402 with the plan to upgrade to when that would help", async () => {
    const caller = await createCaller();
    const response = await post(caller, { metric: "videos_processed", quantity: 6 });
    expect(response.status).toBe(402);
    expect((response.body as ErrorBody).error).toMatchObject({
      code: "payment_required",
      metric: "videos_processed",
      limit: 5,
      used: 0,
      requested: 6,
      upgradeTo: "pro",
      message: expect.stringContaining("Upgrade to Pro for 100 videos processed a day."),
    });
  });
});

describe("POST /api/usage records budget", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("refuses records past 10,000 a minute across calls with 429 and Retry-After, before recording", async () => {
    // One minute for the whole test: 20 seconds into it, 40 before the budget renews.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    vi.useFakeTimers({ toFake: ["Date"], now: minute + 20_000 });
    const caller = await createCaller("enterprise");
    const batch = {
      records: Array.from({ length: 1_000 }, () => ({ metric: "api_calls", quantity: 1 })),
    };
    for (let call = 0; call < 10; call += 1) {
      expect((await post(caller, batch)).status).toBe(201);
    }
    const refused = await post(caller, { metric: "api_calls", quantity: 1 });
    expect(refused.status).toBe(429);
    expect((refused.body as ErrorBody).error).toMatchObject({
      code: "rate_limited",
      message: expect.stringContaining("More than 10,000 usage records in a minute."),
      retryAfter: 40,
    });
    expect(refused.headers.get("Retry-After")).toBe("40");
    expect(await rows(caller.workspaceId)).toHaveLength(10_000);

    // The next minute has a fresh budget.
    vi.setSystemTime(minute + 60_000);
    expect((await post(caller, { metric: "api_calls", quantity: 1 })).status).toBe(201);
  });
});

describe("GET /api/usage", () => {
  it("shows each metric's use, limit, window and reset for the caller only", async () => {
    const caller = await createCaller("pro");
    const other = await createCaller("pro");
    await post(caller, { metric: "api_calls", quantity: 7 });
    await post(caller, { metric: "storage_bytes", quantity: 2_048 });
    await post(other, { metric: "api_calls", quantity: 1_000 });

    const response = await GET(testRequest("/api/usage", { cookie: caller.cookie }), noParams());
    expect(response.status).toBe(200);
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const monthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const dayEnd = new Date(dayStart.getTime() + 86_400_000);
    expect(await response.json()).toEqual({
      plan: "pro",
      metrics: [
        {
          metric: "api_calls",
          used: 7,
          limit: 10_000,
          window: "month",
          windowStart: monthStart.toISOString(),
          resetsAt: monthEnd.toISOString(),
        },
        {
          metric: "storage_bytes",
          used: 2_048,
          limit: 50 * 1024 ** 3,
          window: "level",
          windowStart: monthStart.toISOString(),
          resetsAt: null,
        },
        {
          metric: "videos_processed",
          used: 0,
          limit: 100,
          window: "day",
          windowStart: dayStart.toISOString(),
          resetsAt: dayEnd.toISOString(),
        },
        {
          metric: "matches_performed",
          used: 0,
          limit: 1_000,
          window: "day",
          windowStart: dayStart.toISOString(),
          resetsAt: dayEnd.toISOString(),
        },
      ],
    });
  });

  it("answers for an API key's workspace too, and nobody without credentials", async () => {
    const caller = await createCaller();
    const { key } = await createApiKey(handle.db, {
      userId: caller.id,
      workspaceId: caller.workspaceId,
      sessionVersion: 0,
      name: "reader",
    });
    const response = await GET(testRequest("/api/usage", { apiKey: key }), noParams());
    expect(response.status).toBe(200);
    expect((await response.json()).plan).toBe("free");
    expect((await GET(testRequest("/api/usage"), noParams())).status).toBe(401);
  });
});

describe("usage of a team workspace", () => {
  /** A team workspace owned by `owner` with `member` in it as a member. */
  async function team(owner: Caller, member: Caller): Promise<{ id: string; slug: string }> {
    sequence += 1;
    const workspace = await createWorkspace(handle.db, {
      userId: owner.id,
      name: `Usage Team ${sequence}`,
    });
    await handle.db
      .insert(workspaceMembers)
      .values({ workspaceId: workspace.id, userId: member.id, role: "member" });
    return workspace;
  }
  const inTeam = (slug: string) => ({ "Tollgate-Workspace": slug });
  const videos = (quantity: number) => ({ metric: "videos_processed", quantity });

  it("counts every member's records against the one limit of the workspace the header names", async () => {
    const owner = await createCaller();
    const member = await createCaller();
    const { id, slug } = await team(owner, member);

    // Free allows 5 videos a day, for the whole team.
    expect((await post(owner, videos(3), inTeam(slug))).status).toBe(201);
    const refused = await post(member, videos(3), inTeam(slug));
    expect(refused.status).toBe(402);
    expect((refused.body as ErrorBody).error).toMatchObject({ limit: 5, used: 3, requested: 3 });
    expect((await post(member, videos(2), inTeam(slug))).status).toBe(201);
    expect(await rows(id)).toHaveLength(2);

    // Without the header each acts in their personal workspace, with limits of its own.
    expect((await post(member, videos(5))).status).toBe(201);
    expect(await rows(member.workspaceId)).toHaveLength(1);
    const summary = await GET(
      testRequest("/api/usage", { cookie: owner.cookie, headers: inTeam(slug) }),
      noParams(),
    );
    expect((await summary.json()).metrics).toContainEqual(
      expect.objectContaining({ metric: "videos_processed", used: 5, limit: 5 }),
    );
  });

  it("shares the limit between members' API keys, and refuses a key once its creator leaves", async () => {
    const owner = await createCaller();
    const member = await createCaller();
    const { id } = await team(owner, member);
    const keyOf = async (caller: Caller) =>
      (
        await createApiKey(handle.db, {
          userId: caller.id,
          workspaceId: id,
          sessionVersion: 0,
          name: "team worker",
        })
      ).key;
    const withKey = (key: string, quantity: number) =>
      POST(testRequest("/api/usage", { body: videos(quantity), apiKey: key }), noParams());
    const ownersKey = await keyOf(owner);
    const membersKey = await keyOf(member);

    expect((await withKey(ownersKey, 4)).status).toBe(201);
    expect((await withKey(membersKey, 2)).status).toBe(402);
    expect((await withKey(membersKey, 1)).status).toBe(201);
    expect(await rows(id)).toHaveLength(2);

    await handle.db
      .delete(workspaceMembers)
      .where(and(eq(workspaceMembers.workspaceId, id), eq(workspaceMembers.userId, member.id)));
    expect((await withKey(membersKey, 1)).status).toBe(401);
  });

  it("answers 404 to a session naming a workspace the caller is not a member of, recording nothing", async () => {
    const owner = await createCaller();
    const member = await createCaller();
    const outsider = await createCaller();
    const { id, slug } = await team(owner, member);
    const response = await post(outsider, videos(1), inTeam(slug));
    expect(response.status).toBe(404);
    expect(await rows(id)).toHaveLength(0);
    expect(await rows(outsider.workspaceId)).toHaveLength(0);
  });
});
