import { FeatureMark } from "@/components/ui/feature-mark";
import {
  BILLING_PERIODS,
  DAILY_METRICS,
  FEATURE_LABELS,
  FEATURES,
  METRIC_LABELS,
  MONTHLY_METRICS,
  type Plan,
} from "@/lib/billing/catalog/plans";
import { formatLimit } from "@/lib/format/limit";
import { formatPlanPrice } from "@/lib/format/money";
import { formatExtraSeatPrice, formatIncludedMembers } from "@/lib/format/seats";

export function ComparisonTable({ plans }: { plans: readonly Plan[] }) {
  const cell = "px-4 py-3 text-center";
  const rowHead = "px-4 py-3 text-left font-medium text-slate-700";
  return (
    <div className="relative overflow-x-auto rounded-xl border border-slate-200">
      <table className="w-full min-w-[36rem] border-collapse text-sm">
        <caption className="sr-only">Features and limits of each plan</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={rowHead}>
              <span className="sr-only">Feature or limit</span>
            </th>
            {plans.map((plan) => (
              <th key={plan.tier} scope="col" className={`${cell} font-semibold text-slate-900`}>
                {plan.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          <tr>
            <th scope="row" className={rowHead}>
              Price, monthly
            </th>
            {plans.map((plan) => (
              <td key={plan.tier} className={cell}>
                {formatPlanPrice(plan.tier, "monthly")}
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row" className={rowHead}>
              Price, yearly
            </th>
            {plans.map((plan) => (
              <td key={plan.tier} className={cell}>
                {formatPlanPrice(plan.tier, "yearly")}
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row" className={rowHead}>
              Members included
            </th>
            {plans.map((plan) => (
              <td key={plan.tier} className={cell}>
                {formatIncludedMembers(plan.tier)}
              </td>
            ))}
          </tr>
          {BILLING_PERIODS.map((period) => (
            <tr key={period}>
              <th scope="row" className={rowHead}>
                Each further member, {period}
              </th>
              {plans.map((plan) => (
                <td key={plan.tier} className={cell}>
                  {formatExtraSeatPrice(plan.tier, period) ?? "Not available"}
                </td>
              ))}
            </tr>
          ))}
          {MONTHLY_METRICS.map((metric) => (
            <tr key={metric}>
              <th scope="row" className={rowHead}>
                {METRIC_LABELS[metric]} {metric === "storage_bytes" ? "" : "per month"}
              </th>
              {plans.map((plan) => (
                <td key={plan.tier} className={cell}>
                  {formatLimit(metric, plan.limits.monthly[metric])}
                </td>
              ))}
            </tr>
          ))}
          {DAILY_METRICS.map((metric) => (
            <tr key={metric}>
              <th scope="row" className={rowHead}>
                {METRIC_LABELS[metric]} per day
              </th>
              {plans.map((plan) => (
                <td key={plan.tier} className={cell}>
                  {formatLimit(metric, plan.limits.daily[metric])}
                </td>
              ))}
            </tr>
          ))}
          {FEATURES.map((feature) => (
            <tr key={feature}>
              <th scope="row" className={rowHead}>
                {FEATURE_LABELS[feature]}
              </th>
              {plans.map((plan) => (
                <td key={plan.tier} className={cell}>
                  <span className="inline-flex justify-center">
                    <FeatureMark included={plan.features[feature]} />
                  </span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
