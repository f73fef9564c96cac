import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { AppError } from "./errors";
import { releaseLease, tryAcquireLease, withLease } from "./leases";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

const busy = () => new AppError("conflict", "busy");

describe("leases", () => {
  it("lets one holder in at a time, and another in once it is released or expired", async () => {
    const { db } = handle;
    expect(await tryAcquireLease(db, "job", "a", 60_000)).toBe(true);
    expect(await tryAcquireLease(db, "job", "b", 60_000)).toBe(false);
    await releaseLease(db, "job", "b");
    expect(await tryAcquireLease(db, "job", "b", 60_000)).toBe(false);
    await releaseLease(db, "job", "a");
    expect(await tryAcquireLease(db, "job", "b", 50)).toBe(true);
    await sleep(80);
    expect(await tryAcquireLease(db, "job", "c", 60_000)).toBe(true);
    // The expired holder's release leaves the new holder's lease alone.
    await releaseLease(db, "job", "b");
    expect(await tryAcquireLease(db, "job", "d", 60_000)).toBe(false);
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
