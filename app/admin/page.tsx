import type { Metadata } from "next";
import Link from "next/link";
import { MrrChart } from "@/components/admin/mrr-chart";
import { StatCard } from "@/components/admin/stat-card";
import { NumericCell, Row, RowHeader, Table } from "@/components/ui/table";
import { Moment } from "@/components/ui/time";
import { getDb } from "@/db";
import { getDashboardMetrics, type Money } from "@/lib/admin/metrics";
import { requireAdmin } from "@/lib/auth/session";
import {
  CURRENCY,
  includedSeats,
  isPaidTier,
  PLAN_TIERS,
  PLANS,
} from "@/lib/billing/catalog/plans";
import { formatDate } from "@/lib/format/date";
import { formatMoney } from "@/lib/format/money";

export const metadata: Metadata = { title: "Admin dashboard" };
export const dynamic = "force-dynamic";

const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat("en-US");

/** Amounts in several currencies, one after the other; zero in the catalog's currency. */
function moneyList(amounts: Money[]): string {
  if (amounts.length === 0) return formatMoney(0, CURRENCY);
  return amounts.map((money) => formatMoney(money.amount, money.currency)).join(" + ");
}

const PAID_TIERS = PLAN_TIERS.filter(isPaidTier);

const plural = (count: number, one: string, many: string) =>
  `${whole.format(count)} ${count === 1 ? one : many}`;

export default async function AdminDashboardPage() {
  await requireAdmin("/admin");
  const now = new Date();
  const metrics = await getDashboardMetrics(await getDb(), now);
  const { subscriptions, churn, revenue, failedPayments, series } = metrics;
  const plans = subscriptions.byPlan.filter(
    (plan) => isPaidTier(plan.tier) || plan.active + plan.pastDue + plan.trialing > 0,
  );

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Admin dashboard</h1>
      <p className="mt-2 text-sm text-slate-600">
        As of <Moment date={now} />, from the billing data mirrored in the database.{" "}
        <a href="#definitions" className="font-medium text-brand-700 underline">
          How these are computed
        </a>
      </p>

      <section aria-labelledby="figures-heading" className="mt-6">
        <h2 id="figures-heading" className="sr-only">
          Key figures
        </h2>
        <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          <StatCard
            testId="stat-mrr"
            label="Monthly recurring revenue"
            value={formatMoney(subscriptions.mrr.amount, subscriptions.mrr.currency)}
            detail={`${plural(subscriptions.active + subscriptions.pastDue, "paying subscription", "paying subscriptions")}; trials not included`}
          />
          <StatCard
            testId="stat-revenue"
            label="Collected this month"
            value={moneyList(revenue.collected)}
            detail={`Invoices paid since ${formatDate(revenue.monthStart)} (UTC)`}
          />
          <StatCard
            testId="stat-churn"
            label="Churn, last 30 days"
            value={churn.rate === null ? "No data" : percent.format(churn.rate)}
            detail={`${plural(churn.churned, "subscription", "subscriptions")} ended of ${whole.format(churn.payingAtStart)} paying on ${formatDate(churn.windowStart)}; ${formatMoney(churn.churnedMrr.amount, churn.churnedMrr.currency)} MRR lost`}
          />
          <StatCard
            testId="stat-trialing"
            label="In a trial"
            value={whole.format(subscriptions.trialing)}
            detail="Not yet paying; counted in MRR once the trial converts"
          />
          <StatCard
            testId="stat-past-due"
            label="Past due"
            value={whole.format(subscriptions.pastDue)}
            detail="Payment failed; still counted in MRR while Stripe retries"
          />
          <StatCard
            testId="stat-failed-payments"
            label="Failed payments"
            value={plural(failedPayments.openInvoices, "open invoice", "open invoices")}
            detail={
              <>
                {moneyList(failedPayments.amountDue)} still due;{" "}
                {plural(
                  failedPayments.failedAttemptsLast30Days,
                  "failed attempt",
                  "failed attempts",
                )}{" "}
                in 30 days.{" "}
                <Link href="/admin/invoices" className="font-medium text-brand-700 underline">
                  Invoices
                </Link>
              </>
            }
          />
        </dl>
      </section>

      <section aria-labelledby="mrr-heading" className="mt-10">
        <h2 id="mrr-heading" className="text-lg font-semibold text-slate-900">
          MRR over the last 12 months
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          At the end of each month (UTC); the last bar is this month so far.
        </p>
        <div className="mt-4">
          <MrrChart points={series.points} currency={series.currency} />
        </div>
      </section>

      <section aria-labelledby="plans-heading" className="mt-10">
        <h2 id="plans-heading" className="text-lg font-semibold text-slate-900">
          Subscriptions by plan
        </h2>
        <div className="mt-3">
          <Table
            caption="Subscriptions and MRR by plan"
            minWidth="min-w-[32rem]"
            testId="plans-table"
            columns={[
              "Plan",
              { label: "Active", numeric: true },
              { label: "Past due", numeric: true },
              { label: "Trialing", numeric: true },
              { label: "Billed seats", numeric: true },
              { label: "MRR", numeric: true },
            ]}
          >
            {plans.map((plan) => (
              <Row key={plan.tier}>
                <RowHeader>{PLANS[plan.tier].name}</RowHeader>
                <NumericCell>{whole.format(plan.active)}</NumericCell>
                <NumericCell>{whole.format(plan.pastDue)}</NumericCell>
                <NumericCell>{whole.format(plan.trialing)}</NumericCell>
                <NumericCell>{whole.format(plan.seats)}</NumericCell>
                <NumericCell>{formatMoney(plan.mrr, subscriptions.mrr.currency)}</NumericCell>
              </Row>
            ))}
          </Table>
        </div>
      </section>

      <section
        id="definitions"
        aria-labelledby="definitions-heading"
        className="mt-10 max-w-3xl scroll-mt-8"
      >
        <h2 id="definitions-heading" className="text-lg font-semibold text-slate-900">
          How these are computed
        </h2>
        <dl className="mt-3 space-y-3 text-sm text-slate-700">
          <div>
            <dt className="font-medium text-slate-900">MRR</dt>
            <dd>
              What every active or past-due subscription costs at the catalog's prices for its
              billed seats: the plan's base price, which includes its first members (
              {PAID_TIERS.map((tier) => `${includedSeats(tier)} on ${PLANS[tier].name}`).join(", ")}
              ), plus each further seat at the plan's seat price, with a yearly price counted as a
              twelfth. Trials are not revenue until they convert; metered API calls are usage, not
              recurring revenue.
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-900">MRR over 12 months</dt>
            <dd>
              Rebuilt from the subscriptions: each counts from its trial end (or its creation
              without a trial) until it ended, at its current plan. A plan change therefore also
              changes the months before it.
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-900">Churn</dt>
            <dd>
              Paying subscriptions that ended in the last 30 days, over those paying 30 days ago. A
              cancellation set for the period end counts once the period ends; a trial canceled
              before it converted is not churn.
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-900">Collected this month</dt>
            <dd>
              The amount paid on invoices paid since the first of this month (UTC), per currency,
              before refunds.
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-900">Failed payments</dt>
            <dd>
              Open invoices whose payment failed at least once and that Stripe is still retrying,
              with what they still ask for; and the failed payment attempts Stripe reported in the
              last 30 days.
            </dd>
          </div>
        </dl>
      </section>
    </>
  );
}
