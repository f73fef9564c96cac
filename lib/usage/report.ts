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
 * - Rate limits (429), conflicts (409), Stripe's own errors (5xx), our credentials being refused
 *   (401, 403) and connection failures put the row back with exponential backoff (2^attempts
 *   minutes, at most an hour) and the error kept in `last_report_error`: none of them is about
 *   the event. A 400 saying the identifier was already used counts as sent. A round in which
 *   Stripe asked to back off ends the flush: the rest waits for the next one.
 * - Stripe refusing the event itself (any other 4xx: no such customer, no active meter, a bad
 *   payload) is logged as an error and retried hourly, in case a person fixes the cause; the
 *   refusal on attempt `maxAttempts` (METER_EVENT_MAX_ATTEMPTS, default 8) or later marks the
 *   row `failed` for good, with Stripe's reason in `last_report_error`. A row dated further
 *   back than Stripe's 35-day window is marked `failed` without a call, as is a row naming no
 *   customer. Failed rows are never sent again; usage:verify and the admin customer page list
 *   them.
 *
 * Not marked `server-only`: the scripts and the development timer load it outside Next.
 */
import { and, asc, count, eq, inArray, lte, sql } from "drizzle-orm";
import Stripe from "stripe";
import type { Database } from "../../db";
import { type UsageRecord, usageRecords } from "../../db/schema";
import { API_CALLS_METER } from "../billing/catalog/plans";
import { env } from "../env";
import { log } from "../log";
import { DAY_MS } from "./windows";

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
  /** The attempt whose refusal marks a row failed (default METER_EVENT_MAX_ATTEMPTS). */
  maxAttempts?: number;
}

export interface FlushResult {
  sent: number;
  /** Rows that could not be sent this time: waiting for a retry, or abandoned. */
  failed: number;
  /** Of `failed`, the rows marked `failed` for good: never sent again. */
  abandoned: number;
  /** Pending rows that were due and are still waiting (call again). */
  remaining: number;
}

const usageLog = log.child({ module: "usage-report" });

const MINUTE_MS = 60_000;
const MAX_BACKOFF_MS = 60 * MINUTE_MS;

/** How far back Stripe takes a meter event's timestamp. */
export const STRIPE_METER_EVENT_MAX_AGE_DAYS = 35;

/** Minutes to wait before the next attempt: 2^attempts, at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(2 ** Math.min(attempts, 20) * MINUTE_MS, MAX_BACKOFF_MS);
}

/**
 * What a send came to: `retry` is trouble between us and Stripe (backoff); `refused` is Stripe
 * refusing the event (hourly, failed at `maxAttempts`); `failed` is final at once.
 */
type Outcome =
  | { kind: "sent" }
  | { kind: "retry"; error: string }
  | { kind: "refused"; error: string }
  | { kind: "failed"; error: string };

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
  const maxAttempts = options.maxAttempts ?? env().METER_EVENT_MAX_ATTEMPTS;
  let sent = 0;
  let failed = 0;
  let abandoned = 0;

  for (let round = 0; round < maxBatches; round += 1) {
    const claimed = await claimDue(db, {
      batchSize,
      now,
      leaseUntil: new Date(now.getTime() + leaseMs),
    });
    if (claimed.length === 0) break;
    const outcomes = await mapLimited(claimed, concurrency, (row) => sendRow(stripe, row, now));
    const result = await markOutcomes(db, claimed, outcomes, { now, maxAttempts });
    sent += result.sent;
    failed += result.failed;
    abandoned += result.abandoned;
    // Stripe is limiting or unreachable: leave the rest for a later flush rather than insist.
    const troubled = outcomes.some((outcome) => outcome.kind === "retry");
    if (troubled || claimed.length < batchSize) break;
  }

  const remaining = await countDue(db, now);
  if (sent > 0 || failed > 0) {
    usageLog.info({ sent, failed, abandoned, remaining }, "usage flushed");
  }
  return { sent, failed, abandoned, remaining };
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

async function sendRow(stripe: MeterEventSender, row: UsageRecord, now: Date): Promise<Outcome> {
  if (!row.stripeCustomerId) return { kind: "failed", error: "the row names no Stripe customer" };
  if (row.occurredAt.getTime() < now.getTime() - STRIPE_METER_EVENT_MAX_AGE_DAYS * DAY_MS) {
    const tooOld = `not sent: older than the ${STRIPE_METER_EVENT_MAX_AGE_DAYS} days Stripe takes meter events for`;
    // Keep what stopped the earlier attempts: it is why the row grew too old.
    const error = row.lastReportError ? `${tooOld}; last error: ${row.lastReportError}` : tooOld;
    return { kind: "failed", error };
  }
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
    error instanceof Stripe.errors.StripeAuthenticationError ||
    error instanceof Stripe.errors.StripePermissionError ||
    error instanceof Stripe.errors.StripeIdempotencyError ||
    status === 401 ||
    status === 403 ||
    status === 409 ||
    status === 429 ||
    status >= 500 ||
    status === 0
  ) {
    return { kind: "retry", error: message };
  }
  return { kind: "refused", error: message };
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

/** Where a row goes after an outcome: sent, back to the outbox at `at`, or failed for good. */
type NextState =
  | { status: "sent" }
  | { status: "pending"; at: Date; error: string }
  | { status: "failed"; error: string };

function nextState(
  row: UsageRecord,
  outcome: Outcome,
  { now, maxAttempts }: { now: Date; maxAttempts: number },
): NextState {
  switch (outcome.kind) {
    case "sent":
      return { status: "sent" };
    case "retry":
      return {
        status: "pending",
        at: new Date(now.getTime() + backoffMs(row.reportAttempts)),
        error: outcome.error,
      };
    case "refused":
      return row.reportAttempts >= maxAttempts
        ? { status: "failed", error: outcome.error }
        : { status: "pending", at: new Date(now.getTime() + MAX_BACKOFF_MS), error: outcome.error };
    case "failed":
      return { status: "failed", error: outcome.error };
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unknown)}`);
    }
  }
}

async function markOutcomes(
  db: Database,
  rows: UsageRecord[],
  outcomes: Outcome[],
  options: { now: Date; maxAttempts: number },
): Promise<{ sent: number; failed: number; abandoned: number }> {
  const sentIds: string[] = [];
  /** Unsent rows grouped by (next state, next attempt, error), one update per group. */
  const groups = new Map<string, { next: Exclude<NextState, { status: "sent" }>; ids: string[] }>();
  rows.forEach((row, position) => {
    const outcome = outcomes[position] ?? { kind: "sent" };
    const next = nextState(row, outcome, options);
    if (next.status === "sent") {
      sentIds.push(row.id);
      return;
    }
    const entry = {
      usageRecordId: row.id,
      attempts: row.reportAttempts,
      retryAt: next.status === "pending" ? next.at : null,
      error: next.error,
    };
    if (next.status === "failed") usageLog.error(entry, "meter event failed for good; not retried");
    else if (outcome.kind === "refused") usageLog.error(entry, "meter event refused by Stripe");
    else usageLog.warn(entry, "meter event not sent; will retry");
    const key = `${next.status}|${next.status === "pending" ? next.at.getTime() : ""}|${next.error}`;
    const group = groups.get(key) ?? { next, ids: [] };
    group.ids.push(row.id);
    groups.set(key, group);
  });

  const stillPending = (ids: string[]) =>
    and(inArray(usageRecords.id, ids), eq(usageRecords.reportStatus, "pending"));
  if (sentIds.length > 0) {
    await db
      .update(usageRecords)
      .set({
        reportStatus: "sent",
        reportedAt: options.now,
        nextReportAt: null,
        lastReportError: null,
      })
      .where(stillPending(sentIds));
  }
  let abandoned = 0;
  for (const { next, ids } of groups.values()) {
    const lastReportError = next.error.slice(0, 1000);
    if (next.status === "failed") abandoned += ids.length;
    await db
      .update(usageRecords)
      .set(
        next.status === "failed"
          ? { reportStatus: "failed", nextReportAt: null, lastReportError }
          : { nextReportAt: next.at, lastReportError },
      )
      .where(stillPending(ids));
  }
  return { sent: sentIds.length, failed: rows.length - sentIds.length, abandoned };
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
