import "server-only";
import { and, desc, eq, gte, lt } from "drizzle-orm";
import type { Database } from "@/db";
import { type NewUsageRecord, type UsageRecord, usageRecords } from "@/db/schema";

const HOUR_MS = 60 * 60 * 1000;

/**
 * Records a level (storage): the ledger keeps at most one row per user, metric and UTC hour of
 * `occurredAt`, so a client reporting its level every second adds 24 rows a day, not 86,400.
 *
 * Contract — the caller holds the (user, metric) advisory lock, so the hour's row cannot change
 * underneath:
 * - No row in the hour: `row` is inserted. Returns null when its idempotency key was taken
 *   meanwhile (by a record of another metric); the caller starts over.
 * - The hour's row holds an earlier or equally timed level: it takes this level and time (the
 *   later level replaces it). It keeps its id, `created_at` and the idempotency key it was
 *   created with: a key never moves, so a retry of the hour's first report replays this row,
 *   and a retry of a later one reports the same level again, which changes nothing.
 * - The hour's row holds a later level: nothing changes and that row is the answer.
 */
export async function recordLevel(
  tx: Database,
  row: NewUsageRecord & { occurredAt: Date },
): Promise<UsageRecord | null> {
  const hourStart = new Date(Math.floor(row.occurredAt.getTime() / HOUR_MS) * HOUR_MS);
  const [current] = await tx
    .select()
    .from(usageRecords)
    .where(
      and(
        eq(usageRecords.workspaceId, row.workspaceId),
        eq(usageRecords.metric, row.metric),
        gte(usageRecords.occurredAt, hourStart),
        lt(usageRecords.occurredAt, new Date(hourStart.getTime() + HOUR_MS)),
      ),
    )
    .orderBy(desc(usageRecords.occurredAt), desc(usageRecords.createdAt))
    .limit(1);

  if (!current) {
    const [inserted] = await tx
      .insert(usageRecords)
      .values(row)
      .onConflictDoNothing({ target: [usageRecords.workspaceId, usageRecords.idempotencyKey] })
      .returning();
    return inserted ?? null;
  }
  if (current.occurredAt.getTime() > row.occurredAt.getTime()) return current;
  const [updated] = await tx
    .update(usageRecords)
    .set({ quantity: row.quantity, occurredAt: row.occurredAt })
    .where(eq(usageRecords.id, current.id))
    .returning();
  if (!updated) throw new Error("the hour's level row vanished under the lock");
  return updated;
}
