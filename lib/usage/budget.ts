import "server-only";
import type { Database } from "@/db";
import { env } from "@/lib/env";
import { hitRateLimit, rateLimitedError } from "@/lib/rate-limit";

/**
 * Each user's budget of usage records per minute, across calls (USAGE_RECORDS_PER_MINUTE): a
 * call spends one unit per record it carries, so a thousand single-record calls and one
 * 1,000-record batch cost the same. Spent before anything is recorded, in the shared
 * Postgres-backed limiter, so every app instance draws on the same budget; a call that finds it
 * spent is refused whole with 429 `rate_limited` and Retry-After (until the minute ends).
 */
export async function spendRecordBudget(
  db: Database,
  workspaceId: string,
  records: number,
  now: Date = new Date(),
): Promise<void> {
  const limit = env().USAGE_RECORDS_PER_MINUTE;
  const result = await hitRateLimit(
    db,
    { name: "usage-records", limit, windowSeconds: 60 },
    workspaceId,
    now,
    records,
  );
  if (!result.allowed) {
    throw rateLimitedError(
      result.retryAfterSeconds,
      `More than ${limit.toLocaleString("en-US")} usage records in a minute.`,
    );
  }
}
