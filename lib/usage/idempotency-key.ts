import { z } from "zod";

/**
 * Idempotency keys of usage records, in two namespaces that cannot meet.
 *
 * A caller's key (the `Idempotency-Key` header, or `recordUsage`'s `idempotencyKey`) is 1 to
 * MAX_IDEMPOTENCY_KEY_LENGTH visible ASCII characters (\x21-\x7e: no space). A batch sent with
 * key `K` stores `K <i>` for its record i: the space is outside what a caller's key may hold,
 * so no single record's key equals a batch record's (`K:0` sent alone is not record 0 of batch
 * `K`, and cannot replay it or be refused as its conflict).
 */

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** A key a caller may send: the one check, for the Idempotency-Key header and `recordUsage`. */
export const idempotencyKeySchema = z
  .string()
  .regex(
    new RegExp(`^[\\x21-\\x7e]{1,${MAX_IDEMPOTENCY_KEY_LENGTH}}$`),
    `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters (no spaces)`,
  );

/** The stored key of record `index` of a batch sent with the caller's key `key`. */
export function batchRecordKey(key: string, index: number): string {
  return `${key} ${index}`;
}
