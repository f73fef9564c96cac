import { AnchorButton, LinkButton } from "@/components/ui/button";
import { FeatureMark } from "@/components/ui/feature-mark";
import {
  BILLING_PERIODS,
  FEATURE_LABELS,
  FEATURES,
  type Plan,
  yearlySavingPercent,
} from "@/lib/billing/catalog/plans";
import { formatLimit } from "@/lib/format/limit";
import { formatPlanPrice, PERIOD_UNIT } from "@/lib/format/money";
import { formatSeatTerms } from "@/lib/format/seats";
import { type PricingViewer, planAction, startsCheckout } from "./plan-action";

export function PlanCard({
  plan,
  trialDays,
  viewer,
  highlighted = false,
}: {
  plan: Plan;
  trialDays: number;
  viewer: PricingViewer;
  highlighted?: boolean;
}) {
  const isCurrent = viewer.signedIn && viewer.tier === plan.tier;
  const saving = yearlySavingPercent(plan.tier);
  const headingId = `plan-${plan.tier}-name`;
  return (
    <section
      aria-labelledby={headingId}
      data-testid={`plan-${plan.tier}`}
      className={`relative flex flex-col rounded-2xl border bg-white p-6 shadow-sm ${
        highlighted ? "border-brand-600 ring-2 ring-brand-600" : "border-slate-200"
      }`}
    >
      {isCurrent ? (
        <p className="absolute -top-3 left-6 rounded-full bg-emerald-700 px-3 py-0.5 text-xs font-semibold text-white">
          Your plan
        </p>
      ) : (
        highlighted && (
          <p className="absolute -top-3 left-6 rounded-full bg-brand-600 px-3 py-0.5 text-xs font-semibold text-white">
            Most popular
          </p>
        )
      )}
      <h2 id={headingId} className="text-xl font-semibold text-slate-900">
        {plan.name}
      </h2>
      <p className="mt-1 min-h-12 text-sm text-slate-600">{plan.tagline}</p>

      {BILLING_PERIODS.map((period) => (
        <div key={period} data-period={period} className="mt-6">
          <p className="flex items-baseline gap-1">
            <span
              data-testid={`price-${period}`}
              className="text-4xl font-bold tracking-tight text-slate-900"
            >
              {formatPlanPrice(plan.tier, period)}
            </span>
            <span className="text-sm text-slate-600">/{PERIOD_UNIT[period]}</span>
          </p>
          <p data-testid={`seats-${period}`} className="mt-1 text-sm text-slate-700">
            {formatSeatTerms(plan.tier, period)}
          </p>
          <p className="mt-1 h-5 text-sm text-emerald-800">
            {period === "yearly" && saving > 0 ? `Save ${saving}% against monthly` : ""}
          </p>
          <PlanButton
            action={planAction(plan, period, viewer, trialDays)}
            highlighted={highlighted}
            context={`${plan.name}, billed ${period}`}
          />
        </div>
      ))}

      <ul className="mt-6 space-y-2 text-sm text-slate-700">
        <li>
          <strong className="font-semibold">
            {formatLimit("api_calls", plan.limits.monthly.api_calls)}
          </strong>{" "}
          API calls a month
        </li>
        <li>
          <strong className="font-semibold">
            {formatLimit("videos_processed", plan.limits.daily.videos_processed)}
          </strong>{" "}
          videos processed a day
        </li>
        <li>
          <strong className="font-semibold">
            {formatLimit("matches_performed", plan.limits.daily.matches_performed)}
          </strong>{" "}
          matches a day
        </li>
        <li>
          <strong className="font-semibold">
            {formatLimit("storage_bytes", plan.limits.monthly.storage_bytes)}
          </strong>{" "}
          storage
        </li>
      </ul>
      <ul className="mt-4 space-y-2 border-t border-slate-100 pt-4 text-sm">
        {FEATURES.map((feature) => (
          <li
            key={feature}
            className={`flex items-center gap-2 ${plan.features[feature] ? "text-slate-800" : "text-slate-500"}`}
          >
            <FeatureMark included={plan.features[feature]} />
            {FEATURE_LABELS[feature]}
          </li>
        ))}
      </ul>
    </section>
  );
}

function PlanButton({
  action,
  highlighted,
  context,
}: {
  action: ReturnType<typeof planAction>;
  highlighted: boolean;
  context: string;
}) {
  const extra = <span className="sr-only"> ({context})</span>;
  if (action.href === null) {
    return (
      <p className="mt-4 block rounded-lg border border-emerald-700 bg-emerald-50 px-4 py-2.5 text-center text-sm font-semibold text-emerald-900">
        {action.label}
        {extra}
      </p>
    );
  }
  const style = {
    variant: highlighted ? "primary" : "secondary",
    size: "lg",
    className: "mt-4 w-full",
  } as const;
  if (startsCheckout(action.href)) {
    return (
      <AnchorButton href={action.href} {...style}>
        {action.label}
        {extra}
      </AnchorButton>
    );
  }
  return (
    <LinkButton href={action.href} prefetch={false} {...style}>
      {action.label}
      {extra}
    </LinkButton>
  );
}
