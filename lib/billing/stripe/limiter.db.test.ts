import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, type DatabaseHandle, openDatabase } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { createRequestLimiter, LimiterBusyError, type RequestLimiterOptions } from "./limiter";

let handle: DatabaseHandle;
/** A second connection pool to the same database, as another process has (PGlite: the same). */
let other: DatabaseHandle | null = null;
beforeAll(async () => {
  handle = await createTestDatabase();
  if (handle.kind === "postgres") {
    other = await openDatabase({ url: handle.location, migrate: false });
  }
});
afterAll(async () => {
  await other?.close();
  await handle.close();
});

const otherDb = (): Database => other?.db ?? handle.db;
const limiter = (options: RequestLimiterOptions, db = handle.db) =>
  createRequestLimiter(db, options);

/** The most timestamps (ms) that fall in any window [t, t + 1000). */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  sorted.forEach((time, end) => {
    while (time - (sorted[start] ?? time) >= 1000) start += 1;
    most = Math.max(most, end - start + 1);
  });
  return most;
}

describe("request limiter", () => {
  it("spaces the slots of concurrent callers in two processes one interval apart: no second holds more than the rate", async () => {
    const options = { name: "race", ratePerSecond: 20 };
    const here = limiter(options);
    const there = limiter(options, otherDb());
    const calls = Array.from({ length: 40 }, (_, index) =>
      (index % 2 === 0 ? here : there).acquire().then((slot) => ({ slot, resolvedAt: Date.now() })),
    );
    const results = await Promise.all(calls);

    const slots = results.map(({ slot }) => slot.at.getTime()).sort((a, b) => a - b);
    const gaps = slots.slice(1).map((slot, index) => slot - (slots[index] ?? 0));
    // 50 ms apart, to the database's microsecond (a Date keeps milliseconds).
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(49);
    expect(busiestSecond(slots)).toBeLessThanOrEqual(20);
    // Nobody went before its slot (the database and this process read the same clock).
    for (const { slot, resolvedAt } of results) {
      expect(resolvedAt).toBeGreaterThanOrEqual(slot.at.getTime() - 2);
    }
  });

  it("does not pace limiters of different names together", async () => {
    const [a, b] = await Promise.all([
      limiter({ name: "a", ratePerSecond: 1 }).acquire(),
      limiter({ name: "b", ratePerSecond: 1 }).acquire(),
    ]);
    expect(a.waitedMs).toBe(0);
    expect(b.waitedMs).toBe(0);
  });

  it("halves the rate on a slow-down and pushes the next slot a second out; a burst of 429s halves once", async () => {
    const options = { name: "slow", ratePerSecond: 20, recoveryMs: 3_600_000 };
    const here = limiter(options);
    await here.acquire();
    const before = Date.now();
    expect(await here.slowDown()).toBe(10);
    // Another process's 429 in the same second reports the same overload (recovery has begun).
    expect(await limiter(options, otherDb()).slowDown()).toBeCloseTo(10, 2);
    expect(await here.currentRate()).toBeCloseTo(10, 2);

    const [first, second] = await Promise.all([here.acquire(), here.acquire()]);
    const slots = [first?.at.getTime() ?? 0, second?.at.getTime() ?? 0].sort((x, y) => x - y);
    expect((slots[0] ?? 0) - before).toBeGreaterThanOrEqual(1_000);
    expect((slots[1] ?? 0) - (slots[0] ?? 0)).toBeGreaterThanOrEqual(99);
  });

  it("halves again after a second, never below one call per second", async () => {
    const here = limiter({ name: "floor", ratePerSecond: 3, recoveryMs: 3_600_000 });
    expect(await here.slowDown()).toBe(1.5);
    await sleep(1_050);
    expect(await here.slowDown()).toBe(1);
  });

  it("recovers a slowed rate by doubling every recoveryMs, up to the setting", async () => {
    const here = limiter({ name: "recover", ratePerSecond: 16, recoveryMs: 400 });
    expect(await here.currentRate()).toBe(16);
    expect(await here.slowDown()).toBeCloseTo(8, 0);
    await sleep(200);
    const halfway = await here.currentRate();
    expect(halfway).toBeGreaterThan(9);
    expect(halfway).toBeLessThan(15);
    await sleep(700);
    expect(await here.currentRate()).toBe(16);
  });

  it("takes no slot farther out than maxWaitMs: the caller is told the limiter is busy", async () => {
    const here = limiter({ name: "busy", ratePerSecond: 1, maxWaitMs: 500 });
    const first = await here.acquire();
    await expect(here.acquire()).rejects.toBeInstanceOf(LimiterBusyError);
    await sleep(600);
    // The refused call took nothing: the next slot is still one interval after the first.
    const next = await here.acquire();
    expect(next.at.getTime() - first.at.getTime()).toBe(1_000);
  });

  it("refuses a rate that is not a positive number", () => {
    expect(() => limiter({ name: "bad", ratePerSecond: 0 })).toThrow(/positive/);
  });
});
