import type { Metadata } from "next";
import Link from "next/link";
import { DailyUsageChart } from "@/components/billing/daily-usage-chart";
import { UsageBars } from "@/components/billing/usage-bars";
import { EmptyState } from "@/components/ui/table";
import { getDb } from "@/db";
import { METRIC_LABELS, METRICS } from "@/lib/billing/catalog/plans";
import { getEntitlements } from "@/lib/billing/entitlements";
import { dailyUsage } from "@/lib/usage/history";
import { usageSummary } from "@/lib/usage/summary";
import { NEEDS } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/request";

export const metadata: Metadata = { title: "Usage" };
export const dynamic = "force-dynamic";

export default async function UsagePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { workspace } = await requireWorkspacePage(slug, NEEDS.use, `/w/${slug}/usage`);
  const db = await getDb();
  const now = new Date();
  const entitlements = await getEntitlements(db, workspace.id, now);
  const [current, history] = await Promise.all([
    usageSummary(db, workspace.id, entitlements.limits, now),
    dailyUsage(db, workspace.id, now),
  ]);
  const nothingYet = METRICS.every((metric) => history[metric].every((point) => point.value === 0));

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Usage</h1>
      <p className="mt-2 max-w-2xl text-sm text-slate-700">
        Where this workspace stands against the {entitlements.plan.name} plan's limits. API calls
        count per calendar month and videos and matches per day, both in UTC; storage is what you
        hold now.{" "}
        <Link href="/pricing" className="font-medium text-brand-700 underline">
          Compare plans
        </Link>
      </p>
      <section
        aria-labelledby="current-heading"
        className="mt-6 max-w-2xl rounded-xl border border-slate-200 p-5"
      >
        <h2 id="current-heading" className="text-sm font-medium text-slate-600">
          This period
        </h2>
        <div className="mt-3">
          <UsageBars usage={current} />
        </div>
      </section>
      <section aria-labelledby="history-heading" className="mt-8 max-w-2xl">
        <h2 id="history-heading" className="text-lg font-semibold text-slate-900">
          The last 30 days
        </h2>
        {nothingYet ? (
          <div className="mt-3">
            <EmptyState>
              No usage recorded yet. Calls to the usage API (<code>POST /api/usage</code>) with an
              API key from{" "}
              <Link
                href={`/w/${workspace.slug}/api-keys`}
                className="font-medium text-brand-700 underline"
              >
                API keys
              </Link>{" "}
              show up here.
            </EmptyState>
          </div>
        ) : (
          <div className="mt-4 flex flex-col gap-8">
            {METRICS.map((metric) => (
              <DailyUsageChart
                key={metric}
                metric={metric}
                label={METRIC_LABELS[metric]}
                points={history[metric]}
              />
            ))}
          </div>
        )}
      </section>
    </>
  );
}
