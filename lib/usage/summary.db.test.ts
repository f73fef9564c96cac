import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { type NewUsageRecord, usageRecords, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { PLANS } from "@/lib/billing/catalog/plans";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { usageSummary } from "./summary";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

const at = (iso: string) => new Date(iso);

/** The personal workspace of a new user. */
async function createWorkspace(email: string): Promise<string> {
  const [user] = await handle.db.insert(users).values({ email }).returning({ id: users.id });
  if (!user) throw new Error("user not inserted");
  return (await ensurePersonalWorkspace(handle.db, user.id)).id;
}

describe("usageSummary", () => {
  it("sums what was recorded in the current UTC month and day, takes storage's latest level, and reads only the workspace's rows", async () => {
    const workspaceId = await createWorkspace("usage-owner@example.com");
    const otherWorkspaceId = await createWorkspace("usage-other@example.com");
    // Recorded when they occurred, but for the backdated record.
    const recorded = (row: NewUsageRecord): NewUsageRecord => ({
      createdAt: row.occurredAt,
      ...row,
    });
    const rows: NewUsageRecord[] = [
      { workspaceId, metric: "api_calls", quantity: 40, occurredAt: at("2026-11-01T00:00:00Z") },
      { workspaceId, metric: "api_calls", quantity: 2, occurredAt: at("2026-11-25T09:00:00Z") },
      // October and December are other windows.
      { workspaceId, metric: "api_calls", quantity: 500, occurredAt: at("2026-10-31T23:59:59Z") },
      { workspaceId, metric: "api_calls", quantity: 700, occurredAt: at("2026-12-01T00:00:00Z") },
      // Dated October, recorded in November: it counts in November.
      {
        workspaceId,
        metric: "api_calls",
        quantity: 8,
        occurredAt: at("2026-10-20T00:00:00Z"),
        createdAt: at("2026-11-10T00:00:00Z"),
      },
      {
        workspaceId,
        metric: "videos_processed",
        quantity: 3,
        occurredAt: at("2026-11-25T00:00:00Z"),
      },
      {
        workspaceId,
        metric: "videos_processed",
        quantity: 9,
        occurredAt: at("2026-11-24T23:59:59Z"),
      },
      {
        workspaceId,
        metric: "storage_bytes",
        quantity: 5_000,
        occurredAt: at("2026-09-02T00:00:00Z"),
      },
      {
        workspaceId,
        metric: "storage_bytes",
        quantity: 7_000,
        occurredAt: at("2026-10-02T00:00:00Z"),
      },
      {
        workspaceId: otherWorkspaceId,
        metric: "api_calls",
        quantity: 9_999,
        occurredAt: at("2026-11-20T00:00:00Z"),
      },
    ];
    await handle.db.insert(usageRecords).values(rows.map(recorded));

    const summary = await usageSummary(
      handle.db,
      workspaceId,
      PLANS.pro.limits,
      at("2026-11-25T12:00:00Z"),
    );
    expect(summary.map(({ metric, used, limit }) => [metric, used, limit])).toEqual([
      ["api_calls", 50, 10_000],
      ["storage_bytes", 7_000, 50 * 1024 ** 3],
      ["videos_processed", 3, 100],
      ["matches_performed", 0, 1_000],
    ]);
  });

  it("gives zero for a workspace with no records", async () => {
    const workspaceId = await createWorkspace("usage-none@example.com");
    const summary = await usageSummary(
      handle.db,
      workspaceId,
      PLANS.free.limits,
      at("2026-11-25T12:00:00Z"),
    );
    expect(summary.map((entry) => entry.used)).toEqual([0, 0, 0, 0]);
  });
});
