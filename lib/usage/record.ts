import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { type NewUsageRecord, type UsageRecord, usageRecords } from "@/db/schema";
import { METERED_METRIC } from "@/lib/billing/catalog/plans";
import { type Entitlements, getBillingState } from "@/lib/billing/entitlements";
import { AppError } from "@/lib/errors";
import { earliestOccurredAt, type PreparedUsage, prepareUsage, type UsageInput } from "./input";
import { recordLevel } from "./level";
import { limitError } from "./limits";
import { meteredCustomer } from "./metered-customer";
import { limitFor, usedInWindow } from "./summary";

export { MAX_BATCH_RECORDS, type UsageInput } from "./input";

/**
 * Recording usage in the ledger, with the plan's limits enforced and idempotency keys honoured.
 *
 * Contract:
 * - Atomic against the limit: the check and the write happen in one transaction holding a
 *   transaction-scoped advisory lock per (user, metric), so concurrent calls for the same user
 *   and metric are serialised and cannot pass the limit together. Other users and metrics do
 *   not wait for each other (a hash collision only costs a wait).
 * - Idempotent: a record whose (user, idempotency key) is already in the ledger is not recorded
 *   again; the first record comes back with `replayed: true` — before any limit check, so a
 *   retry of a request that was recorded never turns into a refusal. The same key with another
 *   metric or quantity is a 409 `conflict` (for storage, whose row takes later levels of its
 *   hour, only another metric is). Concurrent retries are resolved by the unique index
 *   (insert … on conflict do nothing, then read the winner). A batch's records are keyed apart
 *   from single records (see idempotency-key.ts).
 * - Limits are those of the entitlements at `now`, checked against the window that contains
 *   `now`, whatever `occurredAt` a record carries; a record counts in the window it was recorded
 *   in (`created_at` is `now`, see summary.ts). `occurredAt` may lie at most
 *   MAX_RECORD_AHEAD_MINUTES ahead and no earlier than `earliestOccurredAt` (422 naming the
 *   bound). Storage is a level: the check is new level ≤ limit, and it keeps one row per UTC
 *   hour (level.ts).
 * - API calls of a user whose paid subscription carries the metered price are queued for
 *   Stripe (report status `pending`, see metered-customer.ts and report.ts); everything else
 *   is `skip`.
 */

export interface RecordOptions {
  /** The clock (tests fix it); defaults to the current time. */
  now?: Date;
}

export interface BatchOptions extends RecordOptions {
  /** The caller's key for the whole batch; record i is stored under `batchRecordKey(key, i)`. */
  idempotencyKey?: string | null;
}

export interface RecordedUsage {
  record: UsageRecord;
  /** True when the idempotency key was already recorded and nothing new was written. */
  replayed: boolean;
}

/** Records one usage record for the user. Throws AppError (422, 402, 409, 429). */
export async function recordUsage(
  db: Database,
  input: UsageInput & { workspaceId: string; idempotencyKey?: string | null | undefined },
  options: RecordOptions = {},
): Promise<RecordedUsage> {
  const { workspaceId, idempotencyKey, ...record } = input;
  const [result] = await recordAll(db, workspaceId, [record], {
    now: options.now ?? new Date(),
    batch: false,
    idempotencyKey: idempotencyKey ?? null,
  });
  if (!result) throw new Error("recording one usage record returned nothing");
  return result;
}

/**
 * Records up to MAX_BATCH_RECORDS records for the user, all or nothing: a record that is not
 * valid, conflicts with its idempotency key or would pass a limit refuses the whole batch, and
 * the error names its index (`Record 17: …`, `details.index`). The results are in input order.
 */
export async function recordUsageBatch(
  db: Database,
  workspaceId: string,
  records: readonly UsageInput[],
  options: BatchOptions = {},
): Promise<RecordedUsage[]> {
  return recordAll(db, workspaceId, records, {
    now: options.now ?? new Date(),
    batch: true,
    idempotencyKey: options.idempotencyKey ?? null,
  });
}

/**
 * The advisory lock is keyed by two integers: this namespace (so it meets no other lock of the
 * app) and a hash of (user, metric).
 */
const LOCK_NAMESPACE = 0x75_73_61_67; // "usag"

/** Another transaction inserted one of our idempotency keys after we looked: start over. */
class KeyTakenMeanwhile extends Error {}

const MAX_ATTEMPTS = 3;

async function recordAll(
  db: Database,
  workspaceId: string,
  inputs: readonly UsageInput[],
  { now, batch, idempotencyKey }: { now: Date; batch: boolean; idempotencyKey: string | null },
): Promise<RecordedUsage[]> {
  const { entitlements, subscription } = await getBillingState(db, workspaceId, now);
  const meterCustomer = meteredCustomer(entitlements, subscription);
  const reported = meterCustomer ? { periodStart: subscription?.currentPeriodStart ?? null } : null;
  const prepared = prepareUsage(inputs, {
    now,
    batch,
    idempotencyKey,
    earliest: (metric) => earliestOccurredAt(metric, now, reported),
  });
  const context: BatchContext = { workspaceId, prepared, entitlements, meterCustomer, now };
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction((tx) => recordLocked(tx, context));
    } catch (error) {
      if (!(error instanceof KeyTakenMeanwhile)) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new AppError(
          "conflict",
          "Another request with the same Idempotency-Key is being recorded. Try again.",
        );
      }
    }
  }
}

interface BatchContext {
  workspaceId: string;
  prepared: PreparedUsage[];
  entitlements: Entitlements;
  meterCustomer: string | null;
  now: Date;
}

async function recordLocked(tx: Database, context: BatchContext): Promise<RecordedUsage[]> {
  const { workspaceId, prepared, now } = context;
  // Sorted, so that two batches touching the same metrics lock them in the same order.
  const metrics = [...new Set(prepared.map((record) => record.metric))].sort();
  for (const metric of metrics) {
    await tx.execute(
      sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${`${workspaceId}:${metric}`}::text))`,
    );
  }

  const results: (RecordedUsage | undefined)[] = await replays(tx, workspaceId, prepared);
  const fresh = prepared.filter((record) => results[record.index] === undefined);
  await assertWithinLimits(tx, context, fresh);

  const rowOf = (record: PreparedUsage): NewUsageRecord & { occurredAt: Date } => {
    const metered = record.metric === METERED_METRIC && context.meterCustomer !== null;
    return {
      id: randomUUID(),
      workspaceId,
      metric: record.metric,
      quantity: record.quantity,
      occurredAt: record.occurredAt,
      idempotencyKey: record.idempotencyKey,
      // The limit windows count a record where it was recorded (summary.ts), on our clock.
      createdAt: now,
      ...(metered
        ? { reportStatus: "pending", stripeCustomerId: context.meterCustomer, nextReportAt: now }
        : { reportStatus: "skip" }),
    };
  };

  const counted = fresh.filter((record) => record.window.kind !== "level");
  const rows = counted.map(rowOf);
  if (rows.length > 0) {
    const inserted = await tx
      .insert(usageRecords)
      .values(rows)
      .onConflictDoNothing({ target: [usageRecords.workspaceId, usageRecords.idempotencyKey] })
      .returning();
    if (inserted.length !== rows.length) throw new KeyTakenMeanwhile();
    const byId = new Map(inserted.map((row) => [row.id, row]));
    counted.forEach((record, position) => {
      const row = byId.get(rows[position]?.id ?? "");
      if (!row) throw new Error("an inserted usage record was not returned");
      results[record.index] = { record: row, replayed: false };
    });
  }
  // In input order: within a batch, a later level of the same hour replaces an earlier one.
  for (const record of fresh.filter((candidate) => candidate.window.kind === "level")) {
    const row = await recordLevel(tx, rowOf(record));
    if (!row) throw new KeyTakenMeanwhile();
    results[record.index] = { record: row, replayed: false };
  }
  return results.map((result) => {
    if (!result) throw new Error("a usage record was neither recorded nor replayed");
    return result;
  });
}

/** The records whose idempotency key is already in the ledger, by input position. */
async function replays(
  tx: Database,
  workspaceId: string,
  prepared: PreparedUsage[],
): Promise<(RecordedUsage | undefined)[]> {
  const results: (RecordedUsage | undefined)[] = prepared.map(() => undefined);
  const keys = prepared.flatMap((record) => (record.idempotencyKey ? [record.idempotencyKey] : []));
  if (keys.length === 0) return results;
  const existing = await tx
    .select()
    .from(usageRecords)
    .where(
      and(eq(usageRecords.workspaceId, workspaceId), inArray(usageRecords.idempotencyKey, keys)),
    );
  const byKey = new Map(existing.map((row) => [row.idempotencyKey, row]));
  for (const record of prepared) {
    const row = record.idempotencyKey ? byKey.get(record.idempotencyKey) : undefined;
    if (!row) continue;
    // A level's row takes the later levels of its hour (level.ts): its quantity may differ.
    const sameQuantity = record.window.kind === "level" || row.quantity === record.quantity;
    if (row.metric !== record.metric || !sameQuantity) {
      const prefix = record.batch ? `Record ${record.index}: the` : "The";
      throw new AppError(
        "conflict",
        `${prefix} Idempotency-Key was already used for ${row.quantity} ${row.metric}; ` +
          "a retry must send the same metric and quantity.",
        {
          details: {
            idempotencyKey: record.idempotencyKey,
            ...(record.batch ? { index: record.index } : {}),
          },
        },
      );
    }
    results[record.index] = { record: row, replayed: true };
  }
  return results;
}

/**
 * Throws the limit error of the first record that would take its window past the plan's limit,
 * counting the batch's own earlier records in the same window.
 */
async function assertWithinLimits(
  tx: Database,
  context: BatchContext,
  fresh: PreparedUsage[],
): Promise<void> {
  const { workspaceId, entitlements, now } = context;
  const used = new Map<string, number>();
  for (const record of fresh) {
    const { metric, window } = record;
    const limit = limitFor(entitlements.limits, metric);
    // Every record of a metric is checked in the same window: the one that contains now.
    const before = used.get(metric) ?? (await usedInWindow(tx, workspaceId, metric, window));
    const needed = window.kind === "level" ? record.quantity : before + record.quantity;
    if (needed > limit) {
      throw limitError({
        metric,
        tier: entitlements.tier,
        limit,
        used: before,
        needed,
        window,
        now,
        ...(record.batch ? { index: record.index } : {}),
      });
    }
    used.set(metric, window.kind === "level" ? before : needed);
  }
}
