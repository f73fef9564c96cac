import { z } from "zod";
import { AppError, zodFields } from "@/lib/errors";
import { idempotencyKeySchema, MAX_IDEMPOTENCY_KEY_LENGTH } from "./idempotency-key";
import { MAX_BATCH_RECORDS, type UsageInput, usageRecordSchema } from "./input";

/**
 * The request of POST /api/usage, read with the record schema and the key schema that
 * `recordUsage` checks too: the route refuses a bad request before spending the caller's
 * records budget, and `recordUsage` stays safe for every other caller.
 */

const batchSchema = z.strictObject({
  records: z
    .array(z.unknown(), { error: "must be an array of records" })
    .min(1, "must hold at least one record")
    .max(MAX_BATCH_RECORDS, `must hold at most ${MAX_BATCH_RECORDS} records`),
});

export type UsageBody =
  | { batch: false; record: UsageInput }
  | { batch: true; records: UsageInput[] };

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
        if (parsed.success) return parsed.data;
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
  return { batch: false, record: usageRecordSchema.parse(body) };
}

/**
 * The `Idempotency-Key` header, or null without one: 1 to 200 visible ASCII characters (a
 * batch stores `<key> <index>` for each record, a key no single record can have).
 */
export function idempotencyKeyOf(request: Request): string | null {
  const key = request.headers.get("idempotency-key");
  if (key === null) return null;
  if (!idempotencyKeySchema.safeParse(key).success) {
    throw new AppError(
      "bad_request",
      `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters ` +
        "(a UUID is a good choice).",
    );
  }
  return key;
}
