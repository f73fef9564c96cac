import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { AppError } from "./errors";
import { enforceRateLimit, hitRateLimit, type RateLimitRule } from "./rate-limit";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

const rule: RateLimitRule = { name: "test", limit: 3, windowSeconds: 60 };
const at = (iso: string) => new Date(iso);

describe("hitRateLimit", () => {
  it("allows up to the limit in a window, then refuses until the window ends", async () => {
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push(await hitRateLimit(handle.db, rule, "alice", at("2026-11-24T10:00:10Z")));
    }
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0, 0]);
    // The window is 10:00:00–10:01:00: 50 seconds left.
    expect(results[3]?.retryAfterSeconds).toBe(50);

    const nextWindow = await hitRateLimit(handle.db, rule, "alice", at("2026-11-24T10:01:00Z"));
    expect(nextWindow).toMatchObject({ allowed: true, remaining: 2, retryAfterSeconds: 60 });
  });

  it("counts each subject and each rule apart", async () => {
    const now = at("2026-11-24T11:00:00Z");
    for (let i = 0; i < 3; i++) await hitRateLimit(handle.db, rule, "bob", now);
    expect((await hitRateLimit(handle.db, rule, "bob", now)).allowed).toBe(false);
    expect((await hitRateLimit(handle.db, rule, "carol", now)).allowed).toBe(true);
    const other = { ...rule, name: "other" };
    expect((await hitRateLimit(handle.db, other, "bob", now)).allowed).toBe(true);
  });

  it("spends a weighted hit's whole weight at once, across calls", async () => {
    const now = at("2026-11-24T14:00:00Z");
    const weighted = { ...rule, name: "weighted", limit: 10 };
    expect(await hitRateLimit(handle.db, weighted, "frank", now, 6)).toMatchObject({
      allowed: true,
      remaining: 4,
    });
    expect(await hitRateLimit(handle.db, weighted, "frank", now, 4)).toMatchObject({
      allowed: true,
      remaining: 0,
    });
    expect((await hitRateLimit(handle.db, weighted, "frank", now, 1)).allowed).toBe(false);
    // A new window starts from the hit's own weight.
    const next = await hitRateLimit(handle.db, weighted, "frank", at("2026-11-24T14:01:00Z"), 11);
    expect(next).toMatchObject({ allowed: false, remaining: 0 });
  });

  it("lets exactly the limit through when many calls race", async () => {
    const now = at("2026-11-24T12:00:00Z");
    const wide = { ...rule, name: "race", limit: 10 };
    const results = await Promise.all(
      Array.from({ length: 30 }, () => hitRateLimit(handle.db, wide, "dave", now)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });
});

describe("enforceRateLimit", () => {
  it("throws a 429 with Retry-After once over the limit", async () => {
    const now = at("2026-11-24T13:00:30Z");
    for (let i = 0; i < 3; i++) await enforceRateLimit(handle.db, rule, "erin", now);
    const error = await enforceRateLimit(handle.db, rule, "erin", now).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    if (!(error instanceof AppError)) return;
    expect(error.status).toBe(429);
    expect(error.headers).toEqual({ "Retry-After": "30" });
    expect(error.message).toMatch(/Try again in a minute/);
  });
});
