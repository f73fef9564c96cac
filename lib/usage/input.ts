import { z } from "zod";
import { METERED_METRIC, METRICS, type Metric } from "@/lib/billing/catalog/plans";
import { AppError, zodFields } from "@/lib/errors";
import { batchRecordKey, idempotencyKeySchema } from "./idempotency-key";
import { DAY_MS, type UsageWindow, usageWindow } from "./windows";

/** One record as callers give it; `occurredAt` defaults to now. */
export interface UsageInput {
  metric: Metric;
  quantity: number;
  occurredAt?: Date | null | undefined;
}

/**
 * The one schema of a usage record, `{ metric, quantity, occurredAt? }`, as POST /api/usage
 * receives it (`occurredAt` an ISO 8601 time) and as code passes it (a Date). It checks the
 * shape; the rules that depend on the metric and the clock are `usageInputProblem`'s.
 */
export const usageRecordSchema = z.strictObject({
  metric: z.enum(METRICS, { error: `must be one of ${METRICS.join(", ")}` }),
  quantity: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be 0 or more")
    .max(Number.MAX_SAFE_INTEGER, "is too large"),
  occurredAt: z
    .union([z.date(), z.iso.datetime({ offset: true }).transform((text) => new Date(text))], {
      error: "must be an ISO 8601 time such as 2026-11-25T10:00:00Z",
    })
    .optional(),
});

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

type Problem = { path: string; message: string };

/**
 * What is wrong with a record, as `{ path, message }`: its shape (`usageRecordSchema`), then
 * the rules of its metric and of the clock. Null when it is valid.
 */
export function usageInputProblem(
  input: UsageInput,
  now: Date,
  earliest: (metric: Metric) => EarliestTime,
): Problem | null {
  const parsed = usageRecordSchema.safeParse({
    metric: input.metric,
    quantity: input.quantity,
    occurredAt: input.occurredAt ?? undefined,
  });
  if (!parsed.success) return firstProblem(parsed.error);
  const { metric, quantity, occurredAt: at } = parsed.data;
  if (metric !== "storage_bytes" && quantity < 1) {
    return { path: "quantity", message: "must be a whole number, 1 or more" };
  }
  if (at !== undefined) {
    if (at.getTime() > now.getTime() + MAX_RECORD_AHEAD_MINUTES * 60_000) {
      return {
        path: "occurredAt",
        message: `must be at most ${MAX_RECORD_AHEAD_MINUTES} minutes ahead of the current time`,
      };
    }
    const bound = earliest(metric);
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
  const key = idempotencyKeySchema.nullable().safeParse(idempotencyKey);
  if (!key.success) {
    throw invalidRecord({ ...firstProblem(key.error), path: "idempotencyKey" }, null);
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

function firstProblem(error: z.ZodError): Problem {
  return zodFields(error)[0] ?? { path: "", message: "is not valid" };
}

function invalidRecord(problem: Problem, index: number | null) {
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
