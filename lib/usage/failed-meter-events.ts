/**
 * Usage that was never billed: ledger rows whose meter event Stripe refused for good, or that
 * were too old to send (report status `failed`, see report.ts), with Stripe's reason.
 *
 * Not marked `server-only`: usage:verify loads it outside Next.
 */
import { and, count, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import type { Database } from "../../db";
import { type UsageRecord, usageRecords } from "../../db/schema";

export type FailedMeterEvent = Pick<
  UsageRecord,
  "id" | "stripeCustomerId" | "quantity" | "occurredAt" | "reportAttempts" | "lastReportError"
>;

export interface FailedMeterEvents {
  /** The newest first, at most `limit`. */
  events: FailedMeterEvent[];
  /** How many there are in all. */
  total: number;
}

/** The failed meter events of one user, or in a period [from, to) of `occurred_at`, or both. */
export async function failedMeterEvents(
  db: Database,
  { workspaceId, from, to, limit }: { workspaceId?: string; from?: Date; to?: Date; limit: number },
): Promise<FailedMeterEvents> {
  const conditions: (SQL | undefined)[] = [
    eq(usageRecords.reportStatus, "failed"),
    workspaceId === undefined ? undefined : eq(usageRecords.workspaceId, workspaceId),
    from === undefined ? undefined : gte(usageRecords.occurredAt, from),
    to === undefined ? undefined : lt(usageRecords.occurredAt, to),
  ];
  const where = and(...conditions);
  const [events, [counted]] = await Promise.all([
    db
      .select({
        id: usageRecords.id,
        stripeCustomerId: usageRecords.stripeCustomerId,
        quantity: usageRecords.quantity,
        occurredAt: usageRecords.occurredAt,
        reportAttempts: usageRecords.reportAttempts,
        lastReportError: usageRecords.lastReportError,
      })
      .from(usageRecords)
      .where(where)
      .orderBy(desc(usageRecords.occurredAt), desc(usageRecords.id))
      .limit(limit),
    db.select({ total: count() }).from(usageRecords).where(where),
  ]);
  return { events, total: counted?.total ?? 0 };
}
