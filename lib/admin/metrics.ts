import "server-only";
import { and, eq, gt, gte, lt, type SQL, sql } from "drizzle-orm";
import { type Database, selectRows } from "@/db";
import {
  invoices,
  type Subscription,
  type SubscriptionStatus,
  subscriptions,
  webhookEvents,
} from "@/db/schema";
import {
  BILLING_PERIODS,
  type BillingPeriod,
  CURRENCY,
  extraSeatAmount,
  includedSeats,
  isPaidTier,
  PLAN_TIERS,
  type PlanTier,
  planAmount,
  priceFor,
} from "@/lib/billing/catalog/plans";
import { DAY_MS, utcMonthOf } from "@/lib/usage/windows";

/**
 * The admin dashboard's numbers, computed in SQL from the mirrored tables. Every function takes
 * the instant it reports on (`now`), so the same rows always give the same numbers.
 *
 * Definitions (amounts in the currency's smallest unit; recurring amounts are in the catalog's
 * currency, the one every price in `lib/billing/catalog/plans.ts` is in):
 *
 * - Monthly amount of a subscription: what the catalog charges for its plan and period with its
 *   quantity of seats (`planAmount`: the base price, which includes the plan's members, plus
 *   each seat beyond them at the plan's extra-seat price — never a stored or client-sent
 *   amount); the quantity is the mirrored `subscriptions.quantity`, the members Stripe bills.
 *   A yearly price counts as a twelfth. A row whose price is not in the catalog (no billing
 *   period) adds 0. Metered API calls are usage, not recurring revenue, and are not included.
 * - Paying interval of a subscription: from its trial end when it had a trial, else from its
 *   creation, until it ended. A row that is active or past_due now has not ended; a canceled,
 *   unpaid or paused row ended at `ended_at`, else `canceled_at`, else its first failed payment
 *   (`payment_failed_at`), else it never paid. A row that is trialing, incomplete or
 *   incomplete_expired now never paid, and was not paying at any earlier instant either.
 * - A subscription is paying at instant T when its interval started before T and had not ended
 *   before T (an end exactly at T still counts: it paid up to that instant).
 * - MRR: the sum of the monthly amounts of the subscriptions paying at `now`, that is active and
 *   past_due ones (a past_due customer is still billed and usually recovers); trials are
 *   excluded, as in Stripe's own MRR. Each sum is rounded to a whole cent once, after adding,
 *   so the plans' rounded MRRs may differ from the total by a cent.
 * - MRR series: MRR at the close of each of the last 11 UTC months (paying at the first instant
 *   of the next month) and at `now` for the current month, whose point therefore equals MRR.
 *   It is a reconstruction: the mirror keeps each subscription's current plan only, so a plan
 *   change also changes that subscription's past months, and `created_at` is when the mirror
 *   first saw the subscription, not Stripe's start date.
 * - Churn: subscriptions whose paying interval ended in the 30 days before `now`, with their
 *   monthly amounts; the rate is that count over the subscriptions paying at the window's
 *   start (null when there were none). A trial canceled before it converted never paid, so it
 *   is not churn; a cancellation requested for the period end is churn once the period ends.
 * - Revenue this month: `amount_paid` of invoices paid in the current UTC calendar month, per
 *   currency. Refunds are not mirrored and are not subtracted.
 * - Failed payments: open invoices whose payment was attempted and failed at least once
 *   (`attempt_count > 0`; Stripe keeps them open while it retries), with the amount still
 *   due; and, separately, the failed payment attempts of the last 30 days, counted from the
 *   `invoice.payment_failed` events in the webhook ledger.
 */

export interface Money {
  /** In the currency's smallest unit. */
  amount: number;
  /** ISO 4217, lower case, as Stripe sends it. */
  currency: string;
}

export const CHURN_WINDOW_DAYS = 30;
export const MRR_SERIES_MONTHS = 12;

const PAYING_NOW: readonly SubscriptionStatus[] = ["active", "past_due"];
const NEVER_PAID: readonly SubscriptionStatus[] = ["trialing", "incomplete", "incomplete_expired"];

function statusList(statuses: readonly SubscriptionStatus[]): SQL {
  return sql.join(
    statuses.map((status) => sql`${status}`),
    sql`, `,
  );
}

function timestamp(at: Date): SQL {
  return sql`${at.toISOString()}::timestamptz`;
}

const MONTHS: Record<BillingPeriod, number> = { monthly: 1, yearly: 12 };

/**
 * The monthly amount of a subscription (see the module comment), exact: a yearly one's twelfth
 * is not rounded. 0 without a billing period. Throws RangeError for a negative quantity.
 */
export function monthlyAmountOf(subscription: {
  planTier: PlanTier;
  billingPeriod: BillingPeriod | null;
  quantity: number;
}): number {
  const { planTier, billingPeriod, quantity } = subscription;
  if (!billingPeriod) return 0;
  return planAmount(planTier, billingPeriod, quantity) / MONTHS[billingPeriod];
}

/**
 * Monthly amount of a subscription row in SQL, exact (numeric, not rounded): `monthlyAmountOf`
 * written as one CASE over the catalog's paid plans and periods.
 */
const monthlyAmount: SQL = (() => {
  const cases: SQL[] = [];
  for (const tier of PLAN_TIERS) {
    if (!isPaidTier(tier)) continue;
    for (const period of BILLING_PERIODS) {
      const base = priceFor(tier, period);
      const extra = extraSeatAmount(tier, period);
      const extraSeats = sql`greatest(${subscriptions.quantity} - ${includedSeats(tier)}::int, 0)`;
      cases.push(
        sql`when ${subscriptions.planTier} = ${tier} and ${subscriptions.billingPeriod} = ${period} then (${base}::numeric + ${extraSeats} * ${extra}::numeric) / ${MONTHS[period]}::numeric`,
      );
    }
  }
  return sql`(case ${sql.join(cases, sql` `)} else 0 end)`;
})();

const payingFrom: SQL = sql`coalesce(${subscriptions.trialEnd}, ${subscriptions.createdAt})`;

/** Null while the subscription is still paying. */
const payingUntil: SQL = sql`(case when ${subscriptions.status} in (${statusList(PAYING_NOW)}) then null else coalesce(${subscriptions.endedAt}, ${subscriptions.canceledAt}, ${subscriptions.paymentFailedAt}, ${payingFrom}) end)`;

const everPaid: SQL = sql`${subscriptions.status} not in (${statusList(NEVER_PAID)})`;

/** The subscription row was paying at `instant`. */
function payingAt(instant: SQL): SQL {
  return sql`(${everPaid} and ${payingFrom} < ${instant} and (${payingUntil} is null or ${payingUntil} >= ${instant}))`;
}

/**
 * `payingAt` for one row in code: whether the subscription was paying at `at` (see the module
 * comment), for the admin pages that show one workspace's MRR beside the dashboard's.
 */
export function isPayingAt(
  subscription: Pick<
    Subscription,
    "status" | "trialEnd" | "createdAt" | "endedAt" | "canceledAt" | "paymentFailedAt"
  >,
  at: Date,
): boolean {
  if (NEVER_PAID.includes(subscription.status)) return false;
  const from = subscription.trialEnd ?? subscription.createdAt;
  if (from >= at) return false;
  if (PAYING_NOW.includes(subscription.status)) return true;
  const until =
    subscription.endedAt ?? subscription.canceledAt ?? subscription.paymentFailedAt ?? from;
  return until >= at;
}

/** The row's paying interval is not empty and ended in [from, to). */
function stoppedPaying(from: Date, to: Date): SQL {
  return sql`(${everPaid} and ${payingUntil} is not null and ${payingFrom} < ${payingUntil} and ${payingUntil} >= ${timestamp(from)} and ${payingUntil} < ${timestamp(to)})`;
}

const countWhere = (condition: SQL) =>
  sql<number>`count(*) filter (where ${condition})`.mapWith(Number);

/** "2026-07" for any instant in July 2026 (UTC). */
function monthKey(at: Date): string {
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, "0")}`;
}

// ---------------------------------------------------------------------------------------------

export interface PlanSubscriptions {
  tier: PlanTier;
  active: number;
  pastDue: number;
  trialing: number;
  /** Seats billed by the plan's paying subscriptions (their quantities added up). */
  seats: number;
  /** MRR of the plan's paying subscriptions, rounded on its own. */
  mrr: number;
}

export interface SubscriptionMetrics {
  mrr: Money;
  active: number;
  pastDue: number;
  trialing: number;
  /** Every tier of the catalog, in catalog order. */
  byPlan: PlanSubscriptions[];
}

/** MRR, and subscriptions by status and plan, at `now`. */
export async function getSubscriptionMetrics(
  db: Database,
  now: Date,
): Promise<SubscriptionMetrics> {
  const paying = payingAt(timestamp(now));
  const amountIfPaying = sql`case when ${paying} then ${monthlyAmount} end`;
  const rows = await db
    .select({
      tier: subscriptions.planTier,
      active: countWhere(sql`${subscriptions.status} = 'active'`),
      pastDue: countWhere(sql`${subscriptions.status} = 'past_due'`),
      trialing: countWhere(sql`${subscriptions.status} = 'trialing'`),
      seats:
        sql<number>`coalesce(sum(${subscriptions.quantity}) filter (where ${paying}), 0)::bigint`.mapWith(
          Number,
        ),
      mrr: sql<number>`coalesce(round(sum(${amountIfPaying})), 0)::bigint`.mapWith(Number),
      totalMrr:
        sql<number>`coalesce(round(sum(sum(${amountIfPaying})) over ()), 0)::bigint`.mapWith(
          Number,
        ),
    })
    .from(subscriptions)
    .groupBy(subscriptions.planTier);

  const byTier = new Map(rows.map((row) => [row.tier, row]));
  const byPlan = PLAN_TIERS.map((tier) => {
    const row = byTier.get(tier);
    return {
      tier,
      active: row?.active ?? 0,
      pastDue: row?.pastDue ?? 0,
      trialing: row?.trialing ?? 0,
      seats: row?.seats ?? 0,
      mrr: row?.mrr ?? 0,
    };
  });
  const sum = (pick: (plan: PlanSubscriptions) => number) =>
    byPlan.reduce((total, plan) => total + pick(plan), 0);
  return {
    mrr: { amount: rows[0]?.totalMrr ?? 0, currency: CURRENCY },
    active: sum((plan) => plan.active),
    pastDue: sum((plan) => plan.pastDue),
    trialing: sum((plan) => plan.trialing),
    byPlan,
  };
}

export interface MrrPoint {
  /** The UTC month, "2026-07". */
  month: string;
  /** The instant MRR was taken at: the month's close, or `now` for the current month. */
  at: Date;
  /** True for the current month, taken at `now` rather than at its close. */
  partial: boolean;
  mrr: number;
  /** Subscriptions paying at `at`. */
  subscriptions: number;
}

export interface MrrSeries {
  currency: string;
  /** Oldest first; the last point is the current month. */
  points: MrrPoint[];
}

/** MRR at the close of each of the last 11 UTC months and at `now` (see the module comment). */
export async function getMrrSeries(db: Database, now: Date): Promise<MrrSeries> {
  const slots: Omit<MrrPoint, "mrr" | "subscriptions">[] = [];
  for (let back = MRR_SERIES_MONTHS - 1; back >= 1; back--) {
    const month = utcMonthOf(now, -back);
    slots.push({ month: monthKey(month.start), at: month.end, partial: false });
  }
  slots.push({ month: monthKey(now), at: now, partial: true });

  const values = sql.join(
    slots.map((slot, index) => sql`(${index}::int, ${timestamp(slot.at)})`),
    sql`, `,
  );
  const rows = await selectRows<{ idx: unknown; mrr: unknown; subscriptions: unknown }>(
    db,
    sql`select points.idx, coalesce(round(sum(${monthlyAmount})), 0)::bigint as mrr, count(${subscriptions.id})::int as subscriptions
      from (values ${values}) as points(idx, at)
      left join ${subscriptions} on ${payingAt(sql`points.at`)}
      group by points.idx`,
  );
  const byIndex = new Map(rows.map((row) => [Number(row.idx), row]));
  return {
    currency: CURRENCY,
    points: slots.map((slot, index) => {
      const row = byIndex.get(index);
      return {
        ...slot,
        mrr: Number(row?.mrr ?? 0),
        subscriptions: Number(row?.subscriptions ?? 0),
      };
    }),
  };
}

export interface ChurnMetrics {
  windowStart: Date;
  windowEnd: Date;
  /** Subscriptions that stopped paying in the window. */
  churned: number;
  /** Their monthly amounts, rounded once. */
  churnedMrr: Money;
  /** Subscriptions paying at the window's start. */
  payingAtStart: number;
  /** churned / payingAtStart, null when nobody was paying at the start. */
  rate: number | null;
}

/** Churn over the 30 days before `now` (see the module comment). */
export async function getChurn(db: Database, now: Date): Promise<ChurnMetrics> {
  const windowStart = new Date(now.getTime() - CHURN_WINDOW_DAYS * DAY_MS);
  const stopped = stoppedPaying(windowStart, now);
  const [row] = await db
    .select({
      churned: countWhere(stopped),
      churnedMrr:
        sql<number>`coalesce(round(sum(${monthlyAmount}) filter (where ${stopped})), 0)::bigint`.mapWith(
          Number,
        ),
      payingAtStart: countWhere(payingAt(timestamp(windowStart))),
    })
    .from(subscriptions);
  const churned = row?.churned ?? 0;
  const payingAtStart = row?.payingAtStart ?? 0;
  return {
    windowStart,
    windowEnd: now,
    churned,
    churnedMrr: { amount: row?.churnedMrr ?? 0, currency: CURRENCY },
    payingAtStart,
    rate: payingAtStart === 0 ? null : churned / payingAtStart,
  };
}

export interface RevenueMetrics {
  monthStart: Date;
  /** Per currency, alphabetical; empty when nothing was paid this month. */
  collected: Money[];
}

/** What invoices paid in the current UTC month brought in, per currency. */
export async function getRevenueThisMonth(db: Database, now: Date): Promise<RevenueMetrics> {
  const { start: monthStart, end: monthEnd } = utcMonthOf(now);
  const rows = await db
    .select({
      currency: invoices.currency,
      amount: sql<number>`coalesce(sum(${invoices.amountPaid}), 0)::bigint`.mapWith(Number),
    })
    .from(invoices)
    .where(and(gte(invoices.paidAt, monthStart), lt(invoices.paidAt, monthEnd)))
    .groupBy(invoices.currency)
    .orderBy(invoices.currency);
  return { monthStart, collected: rows };
}

export interface FailedPaymentMetrics {
  /** Open invoices with at least one failed attempt. */
  openInvoices: number;
  /** What those invoices still ask for, per currency, alphabetical. */
  amountDue: Money[];
  /** `invoice.payment_failed` events created in the 30 days before `now`. */
  failedAttemptsLast30Days: number;
}

/** Failed payments still being retried, and failed attempts of the last 30 days. */
export async function getFailedPayments(db: Database, now: Date): Promise<FailedPaymentMetrics> {
  const windowStart = new Date(now.getTime() - CHURN_WINDOW_DAYS * DAY_MS);
  const open = await db
    .select({
      currency: invoices.currency,
      invoices: sql<number>`count(*)`.mapWith(Number),
      amount: sql<number>`coalesce(sum(${invoices.amountRemaining}), 0)::bigint`.mapWith(Number),
    })
    .from(invoices)
    .where(and(eq(invoices.status, "open"), gt(invoices.attemptCount, 0)))
    .groupBy(invoices.currency)
    .orderBy(invoices.currency);
  const [attempts] = await db
    .select({ count: sql<number>`count(*)`.mapWith(Number) })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.type, "invoice.payment_failed"),
        gte(webhookEvents.created, windowStart),
        lt(webhookEvents.created, now),
      ),
    );
  return {
    openInvoices: open.reduce((total, row) => total + row.invoices, 0),
    amountDue: open.map((row) => ({ currency: row.currency, amount: row.amount })),
    failedAttemptsLast30Days: attempts?.count ?? 0,
  };
}

export interface DashboardMetrics {
  now: Date;
  subscriptions: SubscriptionMetrics;
  series: MrrSeries;
  churn: ChurnMetrics;
  revenue: RevenueMetrics;
  failedPayments: FailedPaymentMetrics;
}

/** Everything the admin dashboard shows, as of `now`. */
export async function getDashboardMetrics(db: Database, now: Date): Promise<DashboardMetrics> {
  const [subscriptionMetrics, series, churn, revenue, failedPayments] = await Promise.all([
    getSubscriptionMetrics(db, now),
    getMrrSeries(db, now),
    getChurn(db, now),
    getRevenueThisMonth(db, now),
    getFailedPayments(db, now),
  ]);
  return { now, subscriptions: subscriptionMetrics, series, churn, revenue, failedPayments };
}
