import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { leases } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { acquireLease, holdLease, type Lease, releaseLease, renewLease } from "./leases";

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
});
