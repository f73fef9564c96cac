import type { Metadata } from "next";
import Link from "next/link";
import { MrrChart } from "@/components/admin/mrr-chart";
import { StatCard } from "@/components/admin/stat-card";
import { getDb } from "@/db";
import { getDashboardMetrics, type Money } from "@/lib/admin/metrics";
import { requireAdmin } from "@/lib/auth/session";
import { CURRENCY, isPaidTier, PLANS } from "@/lib/billing/catalog/plans";
import { formatPrice } from "@/lib/format/plan";

export const metadata: Metadata = { title: "Admin dashboard" };
export const dynamic = "force-dynamic";

const dateTime = new Intl.DateTimeFormat("en-US", {
  dateStyle: "medium",
  timeStyle: "short",
  hourCycle: "h23",
  timeZone: "UTC",
});
const day = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });
const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat("en-US");

/** Amounts in several currencies, one after the other; zero in the catalog's currency. */
function moneyList(amounts: Money[]): string {
  if (amounts.length === 0) return formatPrice(0, CURRENCY);
  return amounts.map((money) => formatPrice(money.amount, money.currency)).join(" + ");
}

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
        As of <time dateTime={now.toISOString()}>{dateTime.format(now)} UTC</time>, from the billing
        data mirrored in the database.{" "}
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
            value={formatPrice(subscriptions.mrr.amount, subscriptions.mrr.currency)}
            detail={`${plural(subscriptions.active + subscriptions.pastDue, "paying subscription", "paying subscriptions")}; trials not included`}
          />
          <StatCard
            testId="stat-revenue"
            label="Collected this month"
            value={moneyList(revenue.collected)}
            detail={`Invoices paid since ${day.format(revenue.monthStart)} (UTC)`}
          />
          <StatCard
            testId="stat-churn"
            label="Churn, last 30 days"
            value={churn.rate === null ? "No data" : percent.format(churn.rate)}
            detail={`${plural(churn.churned, "subscription", "subscriptions")} ended of ${whole.format(churn.payingAtStart)} paying on ${day.format(churn.windowStart)}; ${formatPrice(churn.churnedMrr.amount, churn.churnedMrr.currency)} MRR lost`}
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
        <div className="relative mt-3 overflow-x-auto rounded-xl border border-slate-200">
          <table className="w-full min-w-[32rem] text-left text-sm" data-testid="plans-table">
            <caption className="sr-only">Subscriptions and MRR by plan</caption>
            <thead className="bg-slate-50 text-slate-700">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  Plan
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Active
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Past due
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Trialing
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  MRR
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {plans.map((plan) => (
                <tr key={plan.tier}>
                  <th scope="row" className="px-4 py-2 font-medium text-slate-900">
                    {PLANS[plan.tier].name}
                  </th>
                  <td className="px-4 py-2 text-right tabular-nums">{whole.format(plan.active)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">
                    {whole.format(plan.pastDue)}
                  </td>
                  <td className="px-4 py-2 text-right tabular-nums">
                    {whole.format(plan.trialing)}
                  </td>
                  <td className="px-4 py-2 text-right tabular-nums">
                    {formatPrice(plan.mrr, subscriptions.mrr.currency)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
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
              The catalog price of every active or past-due subscription, times its quantity, with a
              yearly price counted as a twelfth. Trials are not revenue until they convert; metered
              API calls are usage, not recurring revenue.
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
