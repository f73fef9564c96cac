import { z } from "zod";
import { METRICS } from "@/lib/billing/catalog/plans";
import { AppError, zodFields } from "@/lib/errors";
import { isCallerIdempotencyKey, MAX_IDEMPOTENCY_KEY_LENGTH } from "@/lib/usage/idempotency-key";
import { MAX_BATCH_RECORDS, type UsageInput } from "@/lib/usage/record";

/** One record of POST /api/usage: `{ metric, quantity, occurredAt? }`. */
export const usageRecordSchema = z.strictObject({
  metric: z.enum(METRICS, { error: `must be one of ${METRICS.join(", ")}` }),
  quantity: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be 0 or more")
    .max(Number.MAX_SAFE_INTEGER, "is too large"),
  occurredAt: z.iso
    .datetime({ offset: true, error: "must be an ISO 8601 time such as 2026-11-25T10:00:00Z" })
    .optional(),
});

const batchSchema = z.strictObject({
  records: z
    .array(z.unknown(), { error: "must be an array of records" })
    .min(1, "must hold at least one record")
    .max(MAX_BATCH_RECORDS, `must hold at most ${MAX_BATCH_RECORDS} records`),
});

export type UsageBody =
  | { batch: false; record: UsageInput }
  | { batch: true; records: UsageInput[] };

function toInput(record: z.output<typeof usageRecordSchema>): UsageInput {
  return {
    metric: record.metric,
    quantity: record.quantity,
    occurredAt: record.occurredAt === undefined ? null : new Date(record.occurredAt),
  };
}

/**
 * The body of POST /api/usage: one record, or `{ records: [...] }` with up to
 * MAX_BATCH_RECORDS. Throws 422 `validation_failed`; for a batch, the message and
 * `details.index` name the first record that is not valid (and nothing is recorded).
 */
export function parseUsageBody(body: unknown): UsageBody {
  if (typeof body === "object" && body !== null && !Array.isArray(body) && "records" in body) {
    const { records } = batchSchema.parse(body);
    return {
      batch: true,
      records: records.map((raw, index) => {
        const parsed = usageRecordSchema.safeParse(raw);
        if (parsed.success) return toInput(parsed.data);
        const fields = zodFields(parsed.error).map((field) => ({
          path: field.path ? `records.${index}.${field.path}` : `records.${index}`,
          message: field.message,
        }));
        const first = fields[0];
        throw new AppError(
          "validation_failed",
          `Record ${index} is not valid${first ? `: ${first.path} ${first.message}` : ""}. ` +
            "Nothing was recorded.",
          { details: { index, fields } },
        );
      }),
    };
  }
  return { batch: false, record: toInput(usageRecordSchema.parse(body)) };
}

/**
 * The `Idempotency-Key` header, or null without one: 1 to 200 visible ASCII characters (a
 * batch stores `<key> <index>` for each record, a key no single record can have).
 */
export function idempotencyKeyOf(request: Request): string | null {
  const key = request.headers.get("idempotency-key");
  if (key === null) return null;
  if (!isCallerIdempotencyKey(key)) {
    throw new AppError(
      "bad_request",
      `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters ` +
        "(a UUID is a good choice).",
    );
  }
  return key;
}
