import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { leases } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { AppError } from "./errors";
import { acquireLease, holdLease, type Lease, releaseLease, renewLease, withLease } from "./leases";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});
beforeEach(async () => {
  await handle.db.delete(leases);
});

const MINUTE = 60_000;
const busy = () => new AppError("conflict", "busy");

async function take(name: string, ttlMs = MINUTE): Promise<Lease> {
  const claim = await acquireLease(handle.db, name, ttlMs);
  if (!claim.acquired) throw new Error(`${name} is held`);
  return claim.lease;
}

describe("leases", () => {
  it("are held by one at a time; the others learn since when", async () => {
    const first = await take("job");
    const second = await acquireLease(handle.db, "job", MINUTE);
    expect(second).toEqual({ acquired: false, heldSince: first.acquiredAt });
    // Another name is another lease.
    expect((await acquireLease(handle.db, "other job", MINUTE)).acquired).toBe(true);
  });

  it("can be taken over once they expire, and not before", async () => {
    const dead = await take("job", 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const next = await take("job");
    expect(next.holder).not.toBe(dead.holder);
    // The old holder can neither renew nor release the new holder's lease.
    expect(await renewLease(handle.db, dead, MINUTE)).toBe(false);
    await releaseLease(handle.db, dead);
    expect((await acquireLease(handle.db, "job", MINUTE)).acquired).toBe(false);
    await releaseLease(handle.db, next);
    expect((await acquireLease(handle.db, "job", MINUTE)).acquired).toBe(true);
  });

  it("are extended by their holder's renewal", async () => {
    const lease = await take("job", 50);
    expect(await renewLease(handle.db, lease, MINUTE)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await acquireLease(handle.db, "job", MINUTE)).acquired).toBe(false);
  });
});

describe("holdLease", () => {
  it("releases the lease when the work ends, also when it fails", async () => {
    const lease = await take("job");
    await expect(holdLease(handle.db, lease, MINUTE, async () => "done")).resolves.toBe("done");
    expect(await handle.db.select().from(leases)).toEqual([]);

    const again = await take("job");
    await expect(
      holdLease(handle.db, again, MINUTE, async () => {
        throw new Error("the work broke");
      }),
    ).rejects.toThrow("the work broke");
    expect(await handle.db.select().from(leases)).toEqual([]);
  });

  it("keeps a short lease alive while the work runs, and tells the work when it is lost", async () => {
    const ttlMs = 900;
    const lease = await take("job", ttlMs);
    const outcome = await holdLease(handle.db, lease, ttlMs, async (signal) => {
      // Twice the lease: only the renewals (every third of it) keep others out.
      await new Promise((resolve) => setTimeout(resolve, 2 * ttlMs));
      const heldMeanwhile = !(await acquireLease(handle.db, "job", MINUTE)).acquired;
      // Someone takes it over (as if the renewals had stopped); the next renewal notices.
      await handle.db.delete(leases);
      await take("job");
      await new Promise((resolve) => setTimeout(resolve, ttlMs));
      return { heldMeanwhile, lost: signal.aborted };
    });
    expect(outcome).toEqual({ heldMeanwhile: true, lost: true });
    // The new holder's lease is not released by the old holder's end.
    expect(await handle.db.select().from(leases)).toHaveLength(1);
  });
  it("runs work under one name one at a time, and gives up after waiting", async () => {
    const { db } = handle;
    const running: string[] = [];
    let overlapped = false;
    const work = (label: string) =>
      withLease(db, "serial", { ttlMs: 60_000, waitMs: 5_000, busy }, async () => {
        if (running.length > 0) overlapped = true;
        running.push(label);
        await sleep(50);
        running.pop();
        return label;
      });
    expect(await Promise.all(["one", "two", "three"].map(work))).toEqual(["one", "two", "three"]);
    expect(overlapped).toBe(false);

    const held = withLease(db, "held", { ttlMs: 60_000, waitMs: 0, busy }, () => sleep(300));
    await sleep(50);
    await expect(
      withLease(db, "held", { ttlMs: 60_000, waitMs: 100, busy }, async () => "never"),
    ).rejects.toMatchObject({ code: "conflict" });
    await held;
    await expect(
      withLease(db, "held", { ttlMs: 60_000, waitMs: 0, busy }, async () => "after"),
    ).resolves.toBe("after");
  });
});
