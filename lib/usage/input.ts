import { METERED_METRIC, METRICS, type Metric } from "@/lib/billing/catalog/plans";
import { AppError } from "@/lib/errors";
import {
  batchRecordKey,
  isCallerIdempotencyKey,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from "./idempotency-key";
import { type UsageWindow, usageWindow } from "./windows";

/** One record as callers give it; `occurredAt` defaults to now. */
export interface UsageInput {
  metric: Metric;
  quantity: number;
  occurredAt?: Date | null | undefined;
}

/**
 * A record checked and completed: its time, its stored idempotency key, where it stood in the
 * batch, and the window its limit is checked and counted in — the one that contains now.
 */
export interface PreparedUsage {
  index: number;
  batch: boolean;
  metric: Metric;
  quantity: number;
  occurredAt: Date;
  idempotencyKey: string | null;
  window: UsageWindow;
}

/** The earliest `occurredAt` a record may carry, and what that bound is (for the refusal). */
export interface EarliestTime {
  at: Date;
  what: string;
}

export interface PrepareOptions {
  now: Date;
  batch: boolean;
  /** The caller's key: a single record's own, or the batch's (record i stores `K i`). */
  idempotencyKey: string | null;
  earliest: (metric: Metric) => EarliestTime;
}

export const MAX_BATCH_RECORDS = 1000;

/**
 * How far back a record reported to Stripe may be dated, at most: Stripe takes meter events up
 * to 35 days old; 30 leave room for reporting retries.
 */
export const MAX_RECORD_AGE_DAYS = 30;
/** How far ahead a record may be dated: a little clock skew, as Stripe allows. */
export const MAX_RECORD_AHEAD_MINUTES = 5;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The earliest `occurredAt` a record of `metric` may carry at `now`.
 *
 * API calls reported to Stripe (`reported` is the reporting subscription's current period
 * start, null when not known yet) may go back to the start of the current billing period —
 * usage of an earlier period belongs to an invoice already issued — and never more than
 * MAX_RECORD_AGE_DAYS. Everything else only to the start of the limit window that contains
 * `now` (the UTC day for daily metrics, the UTC month otherwise): such usage is never billed by
 * its time, and a record that reached an earlier window would only blur its history.
 */
export function earliestOccurredAt(
  metric: Metric,
  now: Date,
  reported: { periodStart: Date | null } | null,
): EarliestTime {
  if (reported && metric === METERED_METRIC) {
    const cap = new Date(now.getTime() - MAX_RECORD_AGE_DAYS * DAY_MS);
    const { periodStart } = reported;
    if (periodStart && periodStart.getTime() > cap.getTime()) {
      return { at: periodStart, what: "the start of your current billing period" };
    }
    return { at: cap, what: `${MAX_RECORD_AGE_DAYS} days ago` };
  }
  const window = usageWindow(metric, now);
  return {
    at: window.start,
    what:
      window.kind === "day"
        ? "the start of the current UTC day, when its daily limit's count began"
        : "the start of the current UTC month, when its monthly limit's count began",
  };
}

/**
 * How long before the start of its limit window a record counted in that window may be dated
 * (see `earliestOccurredAt`): only API calls reported to Stripe reach back past it.
 */
export function backdatingReachMs(metric: Metric): number {
  return metric === METERED_METRIC ? MAX_RECORD_AGE_DAYS * DAY_MS : 0;
}

/** What is wrong with a record, as `{ path, message }`; null when it is valid. */
export function usageInputProblem(
  input: UsageInput,
  now: Date,
  earliest: (metric: Metric) => EarliestTime,
): { path: string; message: string } | null {
  if (!(METRICS as readonly string[]).includes(input.metric)) {
    return { path: "metric", message: `must be one of ${METRICS.join(", ")}` };
  }
  const least = input.metric === "storage_bytes" ? 0 : 1;
  if (!Number.isSafeInteger(input.quantity) || input.quantity < least) {
    return {
      path: "quantity",
      message:
        least === 0
          ? "must be a whole number of bytes, 0 or more (the new storage level)"
          : "must be a whole number, 1 or more",
    };
  }
  const at = input.occurredAt;
  if (at !== null && at !== undefined) {
    if (Number.isNaN(at.getTime())) return { path: "occurredAt", message: "must be a valid time" };
    if (at.getTime() > now.getTime() + MAX_RECORD_AHEAD_MINUTES * 60_000) {
      return {
        path: "occurredAt",
        message: `must be at most ${MAX_RECORD_AHEAD_MINUTES} minutes ahead of the current time`,
      };
    }
    const bound = earliest(input.metric);
    if (at.getTime() < bound.at.getTime()) {
      return {
        path: "occurredAt",
        message: `must not be before ${bound.at.toISOString()}, ${bound.what}`,
      };
    }
  }
  return null;
}

/**
 * Checks the key and every record (422 `validation_failed` naming the first bad one: its index,
 * in a batch) and fills in the time, the stored key and the window. A batch holds 1 to
 * MAX_BATCH_RECORDS records.
 */
export function prepareUsage(
  inputs: readonly UsageInput[],
  options: PrepareOptions,
): PreparedUsage[] {
  const { now, batch, idempotencyKey } = options;
  if (inputs.length < 1 || inputs.length > MAX_BATCH_RECORDS) {
    throw new AppError(
      "validation_failed",
      `A batch holds 1 to ${MAX_BATCH_RECORDS} records; this one has ${inputs.length}.`,
      {
        details: { fields: [{ path: "records", message: `must hold 1 to ${MAX_BATCH_RECORDS}` }] },
      },
    );
  }
  if (idempotencyKey !== null && !isCallerIdempotencyKey(idempotencyKey)) {
    throw invalidRecord(
      {
        path: "idempotencyKey",
        message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters (no spaces)`,
      },
      null,
    );
  }
  return inputs.map((input, index) => {
    const problem = usageInputProblem(input, now, options.earliest);
    if (problem) throw invalidRecord(problem, batch ? index : null);
    return {
      index,
      batch,
      metric: input.metric,
      quantity: input.quantity,
      occurredAt: input.occurredAt ?? now,
      idempotencyKey:
        idempotencyKey === null
          ? null
          : batch
            ? batchRecordKey(idempotencyKey, index)
            : idempotencyKey,
      window: usageWindow(input.metric, now),
    };
  });
}

function invalidRecord(problem: { path: string; message: string }, index: number | null) {
  if (index === null) {
    return new AppError("validation_failed", `${problem.path} ${problem.message}.`, {
      details: { fields: [problem] },
    });
  }
  return new AppError(
    "validation_failed",
    `Record ${index} is not valid: ${problem.path} ${problem.message}. Nothing was recorded.`,
    { details: { index, fields: [{ ...problem, path: `records.${index}.${problem.path}` }] } },
  );
}
