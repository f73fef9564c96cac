/**
 * The accuracy check behind `npm run usage:verify`: for a period, the API calls the ledger
 * holds per Stripe customer against what Stripe's meter summed for that customer.
 *
 * Only customers with metered rows sent or pending in the period are compared: Stripe has no
 * list of "customers with meter events", so usage Stripe holds for a customer the ledger never
 * reported for goes unseen. Pending rows are shown beside the comparison but not in it:
 * they are not reported yet (flush first to include them). Failed rows — meter events Stripe
 * refused for good, or too old to send — are not in it either (Stripe never counted them): they
 * are listed with Stripe's reason, as usage that will not be billed.
 *
 * Not marked `server-only`: the script loads it outside Next.
 */
import { and, eq, gte, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "../../db";
import { type UsageReportStatus, usageRecords } from "../../db/schema";
import { API_CALLS_METER, METERED_METRIC } from "../billing/catalog/plans";
import { type FailedMeterEvents, failedMeterEvents } from "./failed-meter-events";

export interface CustomerUsageComparison {
  stripeCustomerId: string;
  /** Units the ledger marked sent, in the period. */
  ledgerSent: number;
  /** Units still waiting in the outbox, in the period. */
  ledgerPending: number;
  /** Units whose meter event failed for good (never billed), in the period. */
  ledgerFailed: number;
  /** Units Stripe's meter summed for the customer, in the period. */
  stripe: number;
  /** stripe − ledgerSent: more in Stripe is positive. */
  difference: number;
}

export interface UsageVerification {
  meterId: string;
  from: Date;
  to: Date;
  customers: CustomerUsageComparison[];
  /** The customers whose difference is not zero. */
  mismatches: CustomerUsageComparison[];
  /** Meter events of the period that failed for good, newest first (at most FAILED_LISTED). */
  failed: FailedMeterEvents;
}

/** Failed meter events listed by one verification; the total counts them all. */
export const FAILED_LISTED = 100;

/** The units of the group's rows in a report status. */
function unitsWith(status: UsageReportStatus) {
  return sql<number>`coalesce(sum(${usageRecords.quantity}) filter (where ${usageRecords.reportStatus} = ${status}), 0)`.mapWith(
    Number,
  );
}

/** The part of a Stripe client the check uses. */
export type MeterReader = { billing: Pick<Stripe["billing"], "meters"> };

/**
 * Compares the period [from, to). Stripe wants both ends on whole minutes. Throws when the
 * meter does not exist (`npm run stripe:sync` creates it) or Stripe cannot be read.
 */
export async function verifyUsage(
  db: Database,
  stripe: MeterReader,
  { from, to }: { from: Date; to: Date },
): Promise<UsageVerification> {
  if (!(from.getTime() < to.getTime())) throw new Error("the period must end after it starts");
  if (from.getTime() % 60_000 !== 0 || to.getTime() % 60_000 !== 0) {
    throw new Error("the period must start and end on whole minutes");
  }
  const meterId = await findMeterId(stripe);
  const ledger = await db
    .select({
      stripeCustomerId: usageRecords.stripeCustomerId,
      sent: unitsWith("sent"),
      pending: unitsWith("pending"),
      failed: unitsWith("failed"),
    })
    .from(usageRecords)
    .where(
      and(
        eq(usageRecords.metric, METERED_METRIC),
        inArray(usageRecords.reportStatus, ["sent", "pending", "failed"]),
        isNotNull(usageRecords.stripeCustomerId),
        gte(usageRecords.occurredAt, from),
        lt(usageRecords.occurredAt, to),
      ),
    )
    .groupBy(usageRecords.stripeCustomerId)
    .orderBy(usageRecords.stripeCustomerId);

  const customers: CustomerUsageComparison[] = [];
  for (const row of ledger) {
    if (!row.stripeCustomerId) continue;
    // Only failed rows: nothing reached Stripe to compare (the customer may even be gone).
    if (row.sent === 0 && row.pending === 0) continue;
    const reported = await meterTotal(stripe, meterId, row.stripeCustomerId, from, to);
    customers.push({
      stripeCustomerId: row.stripeCustomerId,
      ledgerSent: row.sent,
      ledgerPending: row.pending,
      ledgerFailed: row.failed,
      stripe: reported,
      difference: reported - row.sent,
    });
  }
  return {
    meterId,
    from,
    to,
    customers,
    mismatches: customers.filter((customer) => customer.difference !== 0),
    failed: await failedMeterEvents(db, { from, to, limit: FAILED_LISTED }),
  };
}

/** The active meter with our event name (an inactive one when there is no active one). */
async function findMeterId(stripe: MeterReader): Promise<string> {
  const found: Stripe.Billing.Meter[] = [];
  for await (const meter of stripe.billing.meters.list({ limit: 100 })) {
    if (meter.event_name === API_CALLS_METER.eventName) found.push(meter);
  }
  const meter = found.find((candidate) => candidate.status === "active") ?? found[0];
  if (!meter) {
    throw new Error(
      `Stripe has no meter for ${API_CALLS_METER.eventName}; run npm run stripe:sync first.`,
    );
  }
  return meter.id;
}

async function meterTotal(
  stripe: MeterReader,
  meterId: string,
  customer: string,
  from: Date,
  to: Date,
): Promise<number> {
  let total = 0;
  const summaries = stripe.billing.meters.listEventSummaries(meterId, {
    customer,
    start_time: Math.floor(from.getTime() / 1000),
    end_time: Math.floor(to.getTime() / 1000),
    limit: 100,
  });
  for await (const summary of summaries) total += summary.aggregated_value;
  return total;
}

/** The comparison as a table for people, one customer a line, mismatches marked. */
export function formatVerification(result: UsageVerification): string {
  const lines = [
    `API calls from ${result.from.toISOString()} to ${result.to.toISOString()} ` +
      `(meter ${result.meterId}):`,
  ];
  if (result.customers.length === 0) lines.push("  no metered usage in the ledger for the period");
  for (const customer of result.customers) {
    const mark = customer.difference === 0 ? "ok      " : "MISMATCH";
    const pending = customer.ledgerPending > 0 ? `, ${customer.ledgerPending} not yet sent` : "";
    const failed =
      customer.ledgerFailed > 0 ? `, ${customer.ledgerFailed} failed (never billed)` : "";
    const difference =
      customer.difference === 0
        ? ""
        : `, difference ${customer.difference > 0 ? "+" : ""}${customer.difference}`;
    lines.push(
      `  ${mark} ${customer.stripeCustomerId}: ledger ${customer.ledgerSent}, ` +
        `Stripe ${customer.stripe}${difference}${pending}${failed}`,
    );
  }
  lines.push(
    result.mismatches.length === 0
      ? "The ledger and Stripe agree."
      : `${result.mismatches.length} customer(s) differ.`,
  );
  const { events, total } = result.failed;
  if (total > 0) {
    lines.push(`${total} meter event(s) failed for good and will not be billed:`);
    for (const event of events) {
      lines.push(
        `  FAILED   ${event.id} ${event.stripeCustomerId ?? "(no customer)"}: ` +
          `${event.quantity} at ${event.occurredAt.toISOString()}, ` +
          `${event.reportAttempts} attempt(s): ${event.lastReportError ?? "no reason recorded"}`,
      );
    }
    if (total > events.length) lines.push(`  … and ${total - events.length} more`);
  }
  return `${lines.join("\n")}\n`;
}
