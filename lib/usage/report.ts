/**
 * Reporting the ledger's metered usage to Stripe Billing Meters, from an outbox in Postgres.
 *
 * Contract:
 * - Every `pending` row is sent as one meter event whose `identifier` is the row's id, and is
 *   then marked `sent`. Stripe counts an identifier once (within at least 24 hours), so a row
 *   sent again — after a crash between sending and marking, or by a flusher whose lease ran
 *   out — is not counted twice.
 * - Rows are claimed with `FOR UPDATE SKIP LOCKED` in a short transaction that also moves
 *   their `next_report_at` a lease ahead and counts the attempt; the claim commits before
 *   anything is sent. Any number of flushers (instances, cron, the development timer) can run
 *   at once without a coordinator: a row is claimed by one of them at a time, and a claimed row
 *   is not sent again by anyone before its lease ends.
 * - Rate limits (429), Stripe's own errors (5xx) and connection failures put the row back with
 *   exponential backoff (2^attempts minutes, at most an hour) and the error kept in
 *   `last_report_error`; other refusals are logged as errors and retried hourly, since only a
 *   person can fix them. A 400 saying the identifier was already used counts as sent. A round
 *   in which Stripe asked to back off ends the flush: the rest waits for the next one.
 *
 * Not marked `server-only`: the scripts and the development timer load it outside Next.
 */
import { and, asc, count, eq, inArray, lte, sql } from "drizzle-orm";
import Stripe from "stripe";
import type { Database } from "../../db";
import { type UsageRecord, usageRecords } from "../../db/schema";
import { API_CALLS_METER } from "../billing/plans";
import { log } from "../log";

/** The part of a Stripe client the flush uses (tests wrap it). */
export interface MeterEventSender {
  billing: {
    meterEvents: {
      create(params: Stripe.Billing.MeterEventCreateParams): Promise<unknown>;
    };
  };
}

export interface FlushOptions {
  /** Rows claimed per round (default 100). */
  batchSize?: number;
  /** Rounds before returning, so one call is bounded in time (default 10). */
  maxBatches?: number;
  /** The clock (tests fix it). */
  now?: Date;
  /** How long a claim keeps other flushers off a row (default five minutes). */
  leaseMs?: number;
  /** Meter events in flight at once (default 8). */
  concurrency?: number;
}

export interface FlushResult {
  sent: number;
  /** Rows that could not be sent this time; each waits for its retry. */
  failed: number;
  /** Pending rows that were due and are still waiting (call again). */
  remaining: number;
}

const usageLog = log.child({ module: "usage-report" });

const MINUTE_MS = 60_000;
const MAX_BACKOFF_MS = 60 * MINUTE_MS;

/** Minutes to wait before the next attempt: 2^attempts, at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(2 ** Math.min(attempts, 20) * MINUTE_MS, MAX_BACKOFF_MS);
}

type Outcome =
  | { kind: "sent" }
  | { kind: "retry"; error: string }
  | { kind: "rejected"; error: string };

/** Sends due rows until none are left or `maxBatches` rounds ran. Never throws on a send. */
export async function flushUsage(
  db: Database,
  stripe: MeterEventSender,
  options: FlushOptions = {},
): Promise<FlushResult> {
  const batchSize = options.batchSize ?? 100;
  const maxBatches = options.maxBatches ?? 10;
  const now = options.now ?? new Date();
  const leaseMs = options.leaseMs ?? 5 * MINUTE_MS;
  const concurrency = options.concurrency ?? 8;
  let sent = 0;
  let failed = 0;

  for (let round = 0; round < maxBatches; round += 1) {
    const claimed = await claimDue(db, {
      batchSize,
      now,
      leaseUntil: new Date(now.getTime() + leaseMs),
    });
    if (claimed.length === 0) break;
    const outcomes = await mapLimited(claimed, concurrency, (row) => sendRow(stripe, row));
    const result = await markOutcomes(db, claimed, outcomes, now);
    sent += result.sent;
    failed += result.failed;
    // Stripe is limiting or unreachable: leave the rest for a later flush rather than insist.
    const troubled = outcomes.some((outcome) => outcome.kind === "retry");
    if (troubled || claimed.length < batchSize) break;
  }

  const remaining = await countDue(db, now);
  if (sent > 0 || failed > 0) usageLog.info({ sent, failed, remaining }, "usage flushed");
  return { sent, failed, remaining };
}

/**
 * Claims up to `batchSize` due rows in a short transaction: lock them (skipping rows another
 * flusher holds), then record the lease and the attempt. Two statements on purpose: as an
 * `IN (… limit … for update skip locked)` subquery Postgres may run the selection once per
 * updated row, skip the rows the update itself just locked, and so claim past the limit.
 */
async function claimDue(
  db: Database,
  { batchSize, now, leaseUntil }: { batchSize: number; now: Date; leaseUntil: Date },
): Promise<UsageRecord[]> {
  const due = and(eq(usageRecords.reportStatus, "pending"), lte(usageRecords.nextReportAt, now));
  return db.transaction(async (tx) => {
    const locked = await tx
      .select({ id: usageRecords.id })
      .from(usageRecords)
      .where(due)
      .orderBy(asc(usageRecords.nextReportAt))
      .limit(batchSize)
      .for("update", { skipLocked: true });
    if (locked.length === 0) return [];
    return tx
      .update(usageRecords)
      .set({ nextReportAt: leaseUntil, reportAttempts: sql`${usageRecords.reportAttempts} + 1` })
      .where(
        inArray(
          usageRecords.id,
          locked.map((row) => row.id),
        ),
      )
      .returning();
  });
}

async function countDue(db: Database, now: Date): Promise<number> {
  const [row] = await db
    .select({ due: count() })
    .from(usageRecords)
    .where(and(eq(usageRecords.reportStatus, "pending"), lte(usageRecords.nextReportAt, now)));
  return row?.due ?? 0;
}

async function sendRow(stripe: MeterEventSender, row: UsageRecord): Promise<Outcome> {
  if (!row.stripeCustomerId) return { kind: "rejected", error: "the row names no Stripe customer" };
  try {
    await stripe.billing.meterEvents.create({
      event_name: API_CALLS_METER.eventName,
      payload: {
        [API_CALLS_METER.customerPayloadKey]: row.stripeCustomerId,
        [API_CALLS_METER.valuePayloadKey]: String(row.quantity),
      },
      identifier: row.id,
      timestamp: Math.floor(row.occurredAt.getTime() / 1000),
    });
    return { kind: "sent" };
  } catch (error) {
    return classify(error);
  }
}

/** What a failed send means for the row. */
export function classify(error: unknown): Outcome {
  if (!(error instanceof Stripe.errors.StripeError)) {
    // Not Stripe's answer: the connection, a timeout, or a crash between us and Stripe.
    return { kind: "retry", error: errorText(error) };
  }
  const status = error.statusCode ?? 0;
  const message = `${status || error.type}: ${error.message}`;
  if (status === 400 && isDuplicateIdentifier(error)) return { kind: "sent" };
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    status === 429 ||
    status === 409 ||
    status >= 500 ||
    status === 0
  ) {
    return { kind: "retry", error: message };
  }
  return { kind: "rejected", error: message };
}

/** Stripe's refusal of an identifier it has already counted: that row was sent before. */
function isDuplicateIdentifier(error: Stripe.errors.StripeError): boolean {
  if (error.code === "resource_already_exists") return true;
  return (
    /identifier/i.test(error.message) && /already|duplicate|exists|been used/i.test(error.message)
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function markOutcomes(
  db: Database,
  rows: UsageRecord[],
  outcomes: Outcome[],
  now: Date,
): Promise<{ sent: number; failed: number }> {
  const sentIds: string[] = [];
  /** Failed rows grouped by (next attempt, error), one update per group. */
  const retries = new Map<string, { at: Date; error: string; ids: string[] }>();
  rows.forEach((row, position) => {
    const outcome = outcomes[position];
    if (!outcome || outcome.kind === "sent") {
      sentIds.push(row.id);
      return;
    }
    const delay = outcome.kind === "retry" ? backoffMs(row.reportAttempts) : MAX_BACKOFF_MS;
    const at = new Date(now.getTime() + delay);
    const entry = {
      usageRecordId: row.id,
      attempts: row.reportAttempts,
      retryAt: at,
      error: outcome.error,
    };
    if (outcome.kind === "retry") usageLog.warn(entry, "meter event not sent; will retry");
    else usageLog.error(entry, "meter event refused by Stripe");
    const key = `${at.getTime()}|${outcome.error}`;
    const group = retries.get(key) ?? { at, error: outcome.error, ids: [] };
    group.ids.push(row.id);
    retries.set(key, group);
  });

  if (sentIds.length > 0) {
    await db
      .update(usageRecords)
      .set({ reportStatus: "sent", reportedAt: now, nextReportAt: null, lastReportError: null })
      .where(and(inArray(usageRecords.id, sentIds), eq(usageRecords.reportStatus, "pending")));
  }
  for (const group of retries.values()) {
    await db
      .update(usageRecords)
      .set({ nextReportAt: group.at, lastReportError: group.error.slice(0, 1000) })
      .where(and(inArray(usageRecords.id, group.ids), eq(usageRecords.reportStatus, "pending")));
  }
  return { sent: sentIds.length, failed: rows.length - sentIds.length };
}

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  // One iterator shared by the workers: each entry is handed to exactly one of them.
  const entries = items.entries();
  const worker = async () => {
    for (const [position, item] of entries) results[position] = await fn(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
