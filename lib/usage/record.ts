import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { type NewUsageRecord, type UsageRecord, usageRecords } from "@/db/schema";
import { type Entitlements, getBillingState } from "@/lib/billing/entitlements";
import { METERED_METRIC } from "@/lib/billing/plans";
import { AppError } from "@/lib/errors";
import { type PreparedUsage, prepareUsage, type UsageInput } from "./input";
import { limitError } from "./limits";
import { meteredCustomer } from "./metered-customer";
import { limitFor, usedInWindow } from "./summary";

export { MAX_BATCH_RECORDS, type UsageInput } from "./input";

/**
 * Recording usage in the append-only ledger, with the plan's limits enforced and idempotency
 * keys honoured.
 *
 * Contract:
 * - Atomic against the limit: the check and the insert happen in one transaction holding a
 *   transaction-scoped advisory lock per (user, metric), so concurrent calls for the same user
 *   and metric are serialised and cannot pass the limit together. Other users and metrics do
 *   not wait for each other (a hash collision only costs a wait).
 * - Idempotent: a record whose (user, idempotency key) is already in the ledger is not recorded
 *   again; the first record comes back with `replayed: true` — before any limit check, so a
 *   retry of a request that was recorded never turns into a refusal. The same key with another
 *   metric or quantity is a 409 `conflict`. Concurrent retries are resolved by the unique index
 *   (insert … on conflict do nothing, then read the winner).
 * - Limits are those of the entitlements at `now`; each record counts in the window that
 *   contains its `occurredAt` (see windows.ts). Storage is a level: the check is new level ≤
 *   limit.
 * - API calls of a user whose paid subscription carries the metered price are queued for
 *   Stripe (report status `pending`, see metered-customer.ts and report.ts); everything else
 *   is `skip`.
 */

export interface RecordOptions {
  /** The clock (tests fix it); defaults to the current time. */
  now?: Date;
}

export interface RecordedUsage {
  record: UsageRecord;
  /** True when the idempotency key was already recorded and nothing new was written. */
  replayed: boolean;
}

/** Records one usage record for the user. Throws AppError (422, 402, 409, 429). */
export async function recordUsage(
  db: Database,
  input: UsageInput & { userId: string },
  options: RecordOptions = {},
): Promise<RecordedUsage> {
  const { userId, ...record } = input;
  const [result] = await recordAll(db, userId, [record], options.now ?? new Date(), false);
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
  userId: string,
  records: readonly UsageInput[],
  options: RecordOptions = {},
): Promise<RecordedUsage[]> {
  return recordAll(db, userId, records, options.now ?? new Date(), true);
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
  userId: string,
  inputs: readonly UsageInput[],
  now: Date,
  batch: boolean,
): Promise<RecordedUsage[]> {
  const prepared = prepareUsage(inputs, now, batch);
  const { entitlements, subscription } = await getBillingState(db, userId, now);
  const context: BatchContext = {
    userId,
    prepared,
    entitlements,
    meterCustomer: meteredCustomer(entitlements, subscription),
    now,
  };
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
  userId: string;
  prepared: PreparedUsage[];
  entitlements: Entitlements;
  meterCustomer: string | null;
  now: Date;
}

async function recordLocked(tx: Database, context: BatchContext): Promise<RecordedUsage[]> {
  const { userId, prepared, now } = context;
  // Sorted, so that two batches touching the same metrics lock them in the same order.
  const metrics = [...new Set(prepared.map((record) => record.metric))].sort();
  for (const metric of metrics) {
    await tx.execute(
      sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${`${userId}:${metric}`}::text))`,
    );
  }

  const results: (RecordedUsage | undefined)[] = await replays(tx, userId, prepared);
  const fresh = prepared.filter((record) => results[record.index] === undefined);
  await assertWithinLimits(tx, context, fresh);

  const rows: NewUsageRecord[] = fresh.map((record) => {
    const metered = record.metric === METERED_METRIC && context.meterCustomer !== null;
    return {
      id: randomUUID(),
      userId,
      metric: record.metric,
      quantity: record.quantity,
      occurredAt: record.occurredAt,
      idempotencyKey: record.idempotencyKey,
      ...(metered
        ? { reportStatus: "pending", stripeCustomerId: context.meterCustomer, nextReportAt: now }
        : { reportStatus: "skip" }),
    };
  });
  if (rows.length > 0) {
    const inserted = await tx
      .insert(usageRecords)
      .values(rows)
      .onConflictDoNothing({ target: [usageRecords.userId, usageRecords.idempotencyKey] })
      .returning();
    if (inserted.length !== rows.length) throw new KeyTakenMeanwhile();
    const byId = new Map(inserted.map((row) => [row.id, row]));
    fresh.forEach((record, position) => {
      const row = byId.get(rows[position]?.id ?? "");
      if (!row) throw new Error("an inserted usage record was not returned");
      results[record.index] = { record: row, replayed: false };
    });
  }
  return results.map((result) => {
    if (!result) throw new Error("a usage record was neither recorded nor replayed");
    return result;
  });
}

/** The records whose idempotency key is already in the ledger, by input position. */
async function replays(
  tx: Database,
  userId: string,
  prepared: PreparedUsage[],
): Promise<(RecordedUsage | undefined)[]> {
  const results: (RecordedUsage | undefined)[] = prepared.map(() => undefined);
  const keys = prepared.flatMap((record) => (record.idempotencyKey ? [record.idempotencyKey] : []));
  if (keys.length === 0) return results;
  const existing = await tx
    .select()
    .from(usageRecords)
    .where(and(eq(usageRecords.userId, userId), inArray(usageRecords.idempotencyKey, keys)));
  const byKey = new Map(existing.map((row) => [row.idempotencyKey, row]));
  for (const record of prepared) {
    const row = record.idempotencyKey ? byKey.get(record.idempotencyKey) : undefined;
    if (!row) continue;
    if (row.metric !== record.metric || row.quantity !== record.quantity) {
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
  const { userId, entitlements, now } = context;
  const used = new Map<string, number>();
  for (const record of fresh) {
    const { metric, window } = record;
    const limit = limitFor(entitlements.limits, metric);
    const slot = `${metric}@${window.start.toISOString()}`;
    const before = used.get(slot) ?? (await usedInWindow(tx, userId, metric, window));
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
    used.set(slot, window.kind === "level" ? before : needed);
  }
}
