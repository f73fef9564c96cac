import { METRICS, type Metric } from "@/lib/billing/plans";
import { AppError } from "@/lib/errors";
import { type UsageWindow, usageWindow } from "./windows";

/** One record as callers give it; `occurredAt` defaults to now. */
export interface UsageInput {
  metric: Metric;
  quantity: number;
  idempotencyKey?: string | null | undefined;
  occurredAt?: Date | null | undefined;
}

/** A record checked and completed: its time, its window and where it stood in the batch. */
export interface PreparedUsage {
  index: number;
  batch: boolean;
  metric: Metric;
  quantity: number;
  occurredAt: Date;
  idempotencyKey: string | null;
  window: UsageWindow;
}

export const MAX_BATCH_RECORDS = 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * How far back a record may be dated. Stripe takes meter events up to 35 days old; 30 leaves
 * room for reporting retries. Records from further back are refused rather than half-billed.
 */
export const MAX_RECORD_AGE_DAYS = 30;
/** How far ahead a record may be dated: a little clock skew, as Stripe allows. */
export const MAX_RECORD_AHEAD_MINUTES = 5;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What is wrong with a record, as `{ path, message }`; null when it is valid. */
export function usageInputProblem(
  input: UsageInput,
  now: Date,
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
  const key = input.idempotencyKey;
  if (
    key !== null &&
    key !== undefined &&
    (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
  ) {
    return {
      path: "idempotencyKey",
      message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
    };
  }
  const at = input.occurredAt;
  if (at !== null && at !== undefined) {
    if (Number.isNaN(at.getTime())) return { path: "occurredAt", message: "must be a valid time" };
    if (at.getTime() > now.getTime() + MAX_RECORD_AHEAD_MINUTES * 60_000) {
      return { path: "occurredAt", message: "must not be in the future" };
    }
    if (at.getTime() < now.getTime() - MAX_RECORD_AGE_DAYS * DAY_MS) {
      return {
        path: "occurredAt",
        message: `must be within the last ${MAX_RECORD_AGE_DAYS} days`,
      };
    }
  }
  return null;
}

/**
 * Checks every record (422 `validation_failed` naming the first bad one: its index, in a batch)
 * and fills in the time and window. A batch must hold 1 to MAX_BATCH_RECORDS records with
 * distinct idempotency keys.
 */
export function prepareUsage(
  inputs: readonly UsageInput[],
  now: Date,
  batch: boolean,
): PreparedUsage[] {
  if (inputs.length < 1 || inputs.length > MAX_BATCH_RECORDS) {
    throw new AppError(
      "validation_failed",
      `A batch holds 1 to ${MAX_BATCH_RECORDS} records; this one has ${inputs.length}.`,
      {
        details: { fields: [{ path: "records", message: `must hold 1 to ${MAX_BATCH_RECORDS}` }] },
      },
    );
  }
  const keys = new Set<string>();
  return inputs.map((input, index) => {
    const problem =
      usageInputProblem(input, now) ??
      (input.idempotencyKey && keys.has(input.idempotencyKey)
        ? { path: "idempotencyKey", message: "is used by an earlier record of the batch" }
        : null);
    if (problem) throw invalidRecord(problem, batch ? index : null);
    if (input.idempotencyKey) keys.add(input.idempotencyKey);
    const occurredAt = input.occurredAt ?? now;
    return {
      index,
      batch,
      metric: input.metric,
      quantity: input.quantity,
      occurredAt,
      idempotencyKey: input.idempotencyKey ?? null,
      window: usageWindow(input.metric, occurredAt),
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
