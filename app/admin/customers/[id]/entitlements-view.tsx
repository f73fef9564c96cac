import type { ReactNode } from "react";
import { FeatureMark } from "@/components/ui/feature-mark";
import { NumericCell, Row, RowHeader, Table } from "@/components/ui/table";
import { Day, Moment } from "@/components/ui/time";
import {
  DAILY_METRICS,
  FEATURE_LABELS,
  FEATURES,
  METRIC_LABELS,
  MONTHLY_METRICS,
} from "@/lib/billing/catalog/plans";
import type { Entitlements, EntitlementWarning } from "@/lib/billing/entitlements";
import { formatLimit } from "@/lib/format/limit";
import { Fact, Facts } from "./parts";

function warningText(warning: EntitlementWarning): ReactNode {
  switch (warning.kind) {
    case "trial_ending":
      return (
        <>
          Trial ends <Day date={warning.trialEnd} /> ({warning.daysLeft}{" "}
          {warning.daysLeft === 1 ? "day" : "days"} left)
        </>
      );
    case "payment_failed":
      return (
        <>
          Payment failed; access kept until <Moment date={warning.graceEndsAt} />
        </>
      );
    case "cancels":
      return (
        <>
          Plan ends <Day date={warning.cancelsAt} />
        </>
      );
  }
}

/** What the customer may use right now: tier, why, warnings, features and limits. */
export function EntitlementsView({ entitlements }: { entitlements: Entitlements }) {
  const limits = [
    ...DAILY_METRICS.map((metric) => [metric, entitlements.limits.daily[metric], "day"] as const),
    ...MONTHLY_METRICS.map(
      (metric) => [metric, entitlements.limits.monthly[metric], "month"] as const,
    ),
  ];
  return (
    <div className="space-y-4">
      <Facts>
        <Fact term="Tier">{entitlements.plan.name}</Fact>
        <Fact term="Granted by">
          {entitlements.source === "subscription"
            ? "The subscription"
            : "Nothing: Free, as no subscription grants access"}
        </Fact>
        <Fact term="Warnings">
          {entitlements.warnings.length === 0 ? (
            "None"
          ) : (
            <ul className="list-disc space-y-1 pl-5">
              {entitlements.warnings.map((warning) => (
                <li key={warning.kind}>{warningText(warning)}</li>
              ))}
            </ul>
          )}
        </Fact>
      </Facts>
      <div className="grid gap-4 md:grid-cols-2">
        <ul
          aria-label="Features"
          className="space-y-2 rounded-xl border border-slate-200 p-5 text-sm"
        >
          {FEATURES.map((feature) => (
            <li key={feature} className="flex items-center gap-2">
              <FeatureMark included={entitlements.features[feature]} />
              <span>{FEATURE_LABELS[feature]}</span>
            </li>
          ))}
        </ul>
        <Table caption="Usage limits" columns={["Metric", { label: "Limit", numeric: true }]}>
          {limits.map(([metric, value, per]) => (
            <Row key={metric}>
              <RowHeader plain className="text-slate-700">
                {METRIC_LABELS[metric]}
              </RowHeader>
              <NumericCell>
                {formatLimit(metric, value)} per {per}
              </NumericCell>
            </Row>
          ))}
        </Table>
      </div>
    </div>
  );
}
