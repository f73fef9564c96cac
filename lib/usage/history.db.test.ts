import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { usageRecords, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { dailyUsage } from "./history";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

const at = (iso: string) => new Date(iso);

describe("dailyUsage", () => {
  it("totals counted metrics per UTC day, carries storage's level, and fills empty days", async () => {
    const [user] = await handle.db
      .insert(users)
      .values({ email: "history@example.com" })
      .returning({ id: users.id });
    const [other] = await handle.db
      .insert(users)
      .values({ email: "history-other@example.com" })
      .returning({ id: users.id });
    const workspaceId = (await ensurePersonalWorkspace(handle.db, String(user?.id))).id;
    const otherWorkspaceId = (await ensurePersonalWorkspace(handle.db, String(other?.id))).id;
    await handle.db.insert(usageRecords).values([
      { workspaceId, metric: "api_calls", quantity: 5, occurredAt: at("2026-11-23T00:00:00Z") },
      { workspaceId, metric: "api_calls", quantity: 7, occurredAt: at("2026-11-23T23:59:59Z") },
      { workspaceId, metric: "api_calls", quantity: 1, occurredAt: at("2026-11-25T08:00:00Z") },
      // Before the window: only storage's level carries into it.
      { workspaceId, metric: "api_calls", quantity: 99, occurredAt: at("2026-11-20T12:00:00Z") },
      {
        workspaceId,
        metric: "storage_bytes",
        quantity: 300,
        occurredAt: at("2026-11-01T00:00:00Z"),
      },
      {
        workspaceId,
        metric: "storage_bytes",
        quantity: 800,
        occurredAt: at("2026-11-24T10:00:00Z"),
      },
      {
        workspaceId,
        metric: "storage_bytes",
        quantity: 500,
        occurredAt: at("2026-11-24T11:00:00Z"),
      },
      {
        workspaceId: otherWorkspaceId,
        metric: "api_calls",
        quantity: 1_000,
        occurredAt: at("2026-11-24T00:00:00Z"),
      },
    ]);

    const history = await dailyUsage(handle.db, workspaceId, at("2026-11-25T12:00:00Z"), 3);
    expect(history.api_calls).toEqual([
      { day: "2026-11-23", value: 12 },
      { day: "2026-11-24", value: 0 },
      { day: "2026-11-25", value: 1 },
    ]);
    expect(history.storage_bytes).toEqual([
      { day: "2026-11-23", value: 300 },
      { day: "2026-11-24", value: 800 },
      { day: "2026-11-25", value: 800 },
    ]);
    expect(history.videos_processed.map((point) => point.value)).toEqual([0, 0, 0]);
  });
});
