import Link from "next/link";
import { LinkButton } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { getDb } from "@/db";
import {
  BILLING_PERIODS,
  type BillingPeriod,
  getPlan,
  type PaidPlanTier,
  type PlanTier,
} from "@/lib/billing/catalog/plans";
import { previewChangeForPage } from "@/lib/billing/service/change-plan";
import { workspaceBillingPath } from "@/lib/billing/service/checkout";
import { getStripe } from "@/lib/billing/stripe/client";
import { AppError } from "@/lib/errors";
import { formatLongDate } from "@/lib/format/date";
import { formatMoney } from "@/lib/format/money";
import { formatPlanAmountPer } from "@/lib/format/seats";
import { changePlanAction } from "./actions";
import { BillingActionForm } from "./billing-action-form";

const PAID: readonly PaidPlanTier[] = ["pro", "enterprise"];
/** Links to the change confirmation for every paid plan and period but the current one. */
export function ChangePlanOptions({
  slug,
  tier,
  period,
  members,
}: {
  slug: string;
  tier: PlanTier;
  period: BillingPeriod | null;
  /** The seats the subscription bills: each option's price is for them. */
  members: number;
}) {
  const options = PAID.flatMap((option) =>
    BILLING_PERIODS.map((optionPeriod) => ({ tier: option, period: optionPeriod })),
  ).filter((option) => !(option.tier === tier && option.period === (period ?? "monthly")));
  return (
    <ul className="mt-3 grid gap-2 sm:grid-cols-2">
      {options.map((option) => (
        <li key={`${option.tier}-${option.period}`}>
          <Link
            href={`${workspaceBillingPath(slug)}?${new URLSearchParams({ change: option.tier, period: option.period })}#change-heading`}
            className="flex items-center justify-between rounded-lg border border-slate-300 px-3 py-2 text-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-600"
          >
            <span className="font-medium text-slate-900">
              {getPlan(option.tier).name}, {option.period}
            </span>
            <span className="text-slate-700">
              {formatPlanAmountPer(option.tier, option.period, members)}
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

/**
 * The confirmation of a plan change, with what it costs now from Stripe's own preview:
 * an upgrade's prorated charge, or for a downgrade the date it takes effect.
 */
export async function ChangePlanConfirmation({
  workspaceId,
  slug,
  tier,
  period,
  members,
  currentName,
}: {
  workspaceId: string;
  slug: string;
  tier: PaidPlanTier;
  period: BillingPeriod;
  /** The seats the subscription bills, which the new plan bills too. */
  members: number;
  currentName: string;
}) {
  const target = getPlan(tier);
  let preview: Awaited<ReturnType<typeof previewChangeForPage>>;
  try {
    // Rate-limited (a past-the-limit reload shows the limit's message instead of a price).
    preview = await previewChangeForPage({
      db: await getDb(),
      stripe: getStripe(),
      workspaceId,
      tier,
      period,
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return (
      <section aria-labelledby="change-heading" className="flex flex-col gap-3">
        <h2 id="change-heading" className="sr-only">
          Change plan
        </h2>
        <FormAlert tone="error">{error.message}</FormAlert>
        <Link
          href={workspaceBillingPath(slug)}
          className="text-sm font-medium text-brand-700 underline"
        >
          Back to billing
        </Link>
      </section>
    );
  }

  const price = formatPlanAmountPer(tier, period, members);
  const immediate = preview.prorationDate !== null;
  return (
    <section
      aria-labelledby="change-heading"
      data-testid="change-confirmation"
      className="rounded-xl border-2 border-brand-600 p-5"
    >
      <h2 id="change-heading" className="text-lg font-semibold text-slate-900">
        Switch to {target.name}, billed {period}?
      </h2>
      <div className="mt-2 space-y-1 text-sm text-slate-700">
        {immediate ? (
          <>
            <p data-testid="change-amount">
              You pay{" "}
              <strong className="font-semibold text-slate-900">
                {formatMoney(preview.amountDue, preview.currency)}
              </strong>{" "}
              now: the new price for the rest of this period, less what is unused of {currentName}.
            </p>
            <p>Then {price}. The change applies at once.</p>
          </>
        ) : preview.change === "downgrade" ? (
          <p>
            Nothing is charged now. You keep {currentName} until{" "}
            {formatLongDate(preview.effectiveAt)}; from then on you are on {target.name} at {price}.
          </p>
        ) : (
          <p>
            Nothing is charged now. You switch to {target.name} at once; it is billed {price}.
          </p>
        )}
      </div>
      <div className="mt-4 flex flex-wrap items-start gap-3">
        <BillingActionForm
          action={changePlanAction}
          label={immediate ? `Pay and switch to ${target.name}` : `Switch to ${target.name}`}
          pendingLabel="Switching…"
          fields={{
            slug,
            plan: tier,
            period,
            prorationDate: preview.prorationDate === null ? "" : String(preview.prorationDate),
          }}
        />
        <LinkButton href={workspaceBillingPath(slug)} variant="quiet">
          Keep my plan
        </LinkButton>
      </div>
    </section>
  );
}
