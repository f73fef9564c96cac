import type { Metadata } from "next";
import Link from "next/link";
import { SubscriptionStatusBadge } from "@/components/billing/subscription-status-badge";
import { UsageBars } from "@/components/billing/usage-bars";
import { LinkButton } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { getDb } from "@/db";
import { isBillingPeriod, isPaidTier, isPlanTier, PLANS } from "@/lib/billing/catalog/plans";
import {
  type Entitlements,
  getBillingState,
  type SubscriptionRow,
} from "@/lib/billing/entitlements";
import { workspaceBillingPath } from "@/lib/billing/service/checkout";
import { type CheckoutReturn, confirmCheckoutReturn } from "@/lib/billing/service/confirm-checkout";
import { findCustomer } from "@/lib/billing/service/customer";
import { getStripe } from "@/lib/billing/stripe/client";
import { formatLongDate } from "@/lib/format/date";
import { formatPlanAmountPer } from "@/lib/format/seats";
import { usageSummary } from "@/lib/usage/summary";
import { NEEDS } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/request";
import { cancelAction, openPortalAction, resumeAction, startCheckoutAction } from "./actions";
import { BillingActionForm } from "./billing-action-form";
import { ChangePlanConfirmation, ChangePlanOptions } from "./change-plan";

export const metadata: Metadata = { title: "Billing" };
export const dynamic = "force-dynamic";

type Params = Record<string, string | string[] | undefined>;

/** Fixed messages for the notice codes other pages send here; nothing else from the URL shows. */
const NOTICES: Record<string, string> = {
  already_on_plan: "You are already on that plan.",
  conflict: "A checkout is already being started for this workspace. Try again in a moment.",
  plan_not_purchasable: "The Free plan needs no checkout. To go back to Free, cancel your plan.",
  rate_limited: "Too many checkouts were started. Wait a minute and try again.",
  unavailable: "Payments are unavailable for a moment. Try again shortly.",
};

const text = (params: Params, name: string) =>
  typeof params[name] === "string" ? (params[name] as string) : null;

/** What the page says when back from Checkout; null when the plan shows it (or nothing to say). */
const CHECKOUT_RETURN: Record<CheckoutReturn, string | null> = {
  confirmed: null,
  open: "Your checkout is not complete yet.",
  not_found: "That checkout was not found.",
  pending: "Your payment is being confirmed; this page shows it within a minute.",
};

/** The line under the plan's name: what happens next and when. */
function nextDate(entitlements: Entitlements, subscription: SubscriptionRow | null): string | null {
  if (entitlements.source !== "subscription" || !subscription) return null;
  const cancels = entitlements.warnings.find((warning) => warning.kind === "cancels");
  if (cancels) return `Ends on ${formatLongDate(cancels.cancelsAt)}`;
  if (subscription.status === "trialing" && subscription.trialEnd) {
    return `Trial ends on ${formatLongDate(subscription.trialEnd)}`;
  }
  if (subscription.status === "past_due") return "Payment overdue";
  return subscription.currentPeriodEnd
    ? `Renews on ${formatLongDate(subscription.currentPeriodEnd)}`
    : null;
}

export default async function BillingPage({
  params: routeParams,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Params>;
}) {
  const { slug } = await routeParams;
  const page = workspaceBillingPath(slug);
  const { workspace } = await requireWorkspacePage(slug, NEEDS.billing, page);
  const workspaceId = workspace.id;
  const params = await searchParams;
  const sessionId = text(params, "session_id");
  const db = await getDb();
  // Back from Checkout: the session id is the one thing read from the URL (checked against the
  // workspace), synced now so the new plan shows before the webhook arrives.
  const checkoutProblem = sessionId
    ? CHECKOUT_RETURN[
        await confirmCheckoutReturn({ db, stripe: getStripe(), workspaceId, sessionId })
      ]
    : null;
  const [{ entitlements, subscription }, customer] = await Promise.all([
    getBillingState(db, workspaceId),
    findCustomer(db, workspaceId),
  ]);
  const usage = await usageSummary(db, workspaceId, entitlements.limits);
  const fields = { slug: workspace.slug };
  const paid = entitlements.source === "subscription";
  const cancels = entitlements.warnings.some((warning) => warning.kind === "cancels");
  const adminCanceled = subscription?.cancelRequestedBy === "admin";

  const notice = text(params, "notice");
  const changeTier = text(params, "change");
  const changePeriod = text(params, "period");
  const change =
    paid && isPlanTier(changeTier) && isPaidTier(changeTier) && isBillingPeriod(changePeriod)
      ? { tier: changeTier, period: changePeriod }
      : null;
  const confirmCancel = paid && !cancels && text(params, "confirm") === "cancel";
  const billedTier = subscription?.planTier ?? "free";
  const billedPeriod = subscription?.billingPeriod ?? "monthly";
  const date = nextDate(entitlements, subscription);

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Billing</h1>
      <div className="mt-6 flex max-w-2xl flex-col gap-4">
        {sessionId && !checkoutProblem && paid && (
          <FormAlert tone="success">Thank you: you are on {entitlements.plan.name} now.</FormAlert>
        )}
        {checkoutProblem && <FormAlert tone="info">{checkoutProblem}</FormAlert>}
        {notice && NOTICES[notice] && <FormAlert tone="info">{NOTICES[notice]}</FormAlert>}
        {params.changed === "upgrade" && (
          <FormAlert tone="success">Your plan has changed to {entitlements.plan.name}.</FormAlert>
        )}
        {params.changed === "downgrade" && (
          <FormAlert tone="success">Your plan change is scheduled.</FormAlert>
        )}
        {params.resumed === "1" && !cancels && (
          <FormAlert tone="success">Your subscription continues; nothing else changes.</FormAlert>
        )}

        {entitlements.warnings.map((warning) => (
          <FormAlert key={warning.kind} tone={warning.kind === "payment_failed" ? "error" : "info"}>
            <div className="flex flex-wrap items-center justify-between gap-3">
              <p>
                {warning.kind === "trial_ending" &&
                  `Your trial ends on ${formatLongDate(warning.trialEnd)} (${warning.daysLeft} ${warning.daysLeft === 1 ? "day" : "days"} left). Your card is charged then.`}
                {warning.kind === "payment_failed" &&
                  `Your last payment failed. You keep ${entitlements.plan.name} until ${formatLongDate(warning.graceEndsAt)}; update your card before then.`}
                {warning.kind === "cancels" &&
                  `Your plan ends on ${formatLongDate(warning.cancelsAt)}. After that you are on Free.`}
                {warning.kind === "cancels" &&
                  adminCanceled &&
                  " An admin scheduled this; contact support to keep your plan."}
                {warning.kind === "downgrade_scheduled" &&
                  `You keep ${entitlements.plan.name} until ${formatLongDate(warning.at)}; then your plan becomes ${PLANS[warning.toTier].name}.`}
              </p>
              {warning.kind === "payment_failed" && customer && (
                <BillingActionForm
                  action={openPortalAction}
                  fields={fields}
                  label="Update card"
                  pendingLabel="Opening billing…"
                />
              )}
              {warning.kind === "cancels" && !adminCanceled && (
                <BillingActionForm
                  action={resumeAction}
                  fields={fields}
                  label="Resume"
                  pendingLabel="Resuming…"
                />
              )}
              {warning.kind === "downgrade_scheduled" && entitlements.period && (
                <Link
                  href={`${page}?${new URLSearchParams({ change: entitlements.tier, period: entitlements.period })}#change-heading`}
                  className="text-sm font-semibold text-brand-700 underline"
                >
                  Keep {entitlements.plan.name}
                </Link>
              )}
            </div>
          </FormAlert>
        ))}

        <section aria-labelledby="plan-heading" className="rounded-xl border border-slate-200 p-5">
          <h2 id="plan-heading" className="text-sm font-medium text-slate-600">
            Current plan
          </h2>
          <div className="mt-1 flex flex-wrap items-center gap-3">
            <p className="text-xl font-semibold text-slate-900" data-testid="billing-plan">
              {entitlements.plan.name}
            </p>
            <SubscriptionStatusBadge status={entitlements.status} testId="billing-status" />
          </div>
          {paid && subscription && (
            <p className="mt-1 text-sm text-slate-700" data-testid="billing-price">
              {formatPlanAmountPer(billedTier, billedPeriod, subscription.quantity)}, billed{" "}
              {billedPeriod}
              {date && ` · ${date}`}
            </p>
          )}
          <div className="mt-4 flex flex-wrap gap-3">
            {customer && (
              <BillingActionForm
                action={openPortalAction}
                fields={fields}
                label="Manage billing"
                pendingLabel="Opening billing…"
                variant="secondary"
              />
            )}
            {paid && !cancels && (
              <LinkButton href={`${page}?confirm=cancel#cancel-heading`} variant="danger">
                Cancel plan
              </LinkButton>
            )}
          </div>
        </section>

        {change && (
          <ChangePlanConfirmation
            workspaceId={workspaceId}
            slug={workspace.slug}
            tier={change.tier}
            period={change.period}
            members={subscription?.quantity ?? 1}
            currentName={entitlements.plan.name}
          />
        )}

        {confirmCancel && (
          <section
            aria-labelledby="cancel-heading"
            className="rounded-xl border-2 border-red-300 p-5"
          >
            <h2 id="cancel-heading" className="text-lg font-semibold text-slate-900">
              Cancel your plan?
            </h2>
            <p className="mt-2 text-sm text-slate-700">
              You keep {entitlements.plan.name}
              {entitlements.currentPeriodEnd
                ? ` until ${formatLongDate(entitlements.currentPeriodEnd)}`
                : " until the end of the period"}
              , and nothing more is charged. Then this workspace moves to Free. You can resume until
              then.
            </p>
            <div className="mt-4 flex flex-wrap items-start gap-3">
              <BillingActionForm
                action={cancelAction}
                fields={fields}
                label="Yes, cancel my plan"
                pendingLabel="Canceling…"
                variant="danger"
              />
              <LinkButton href={page} variant="quiet">
                Keep my plan
              </LinkButton>
            </div>
          </section>
        )}

        {paid ? (
          <section
            aria-labelledby="options-heading"
            className="rounded-xl border border-slate-200 p-5"
          >
            <h2 id="options-heading" className="text-sm font-medium text-slate-600">
              Change plan
            </h2>
            <p className="mt-1 text-sm text-slate-700">
              Upgrades apply at once, with the price difference for the rest of the period shown
              before you confirm. Downgrades apply at the end of the period.
            </p>
            <ChangePlanOptions
              slug={workspace.slug}
              members={subscription?.quantity ?? 1}
              tier={billedTier}
              period={subscription?.billingPeriod ?? null}
            />
          </section>
        ) : (
          <section
            aria-labelledby="upgrade-heading"
            className="rounded-xl border border-slate-200 p-5"
          >
            <h2 id="upgrade-heading" className="text-sm font-medium text-slate-600">
              Upgrade
            </h2>
            <div className="mt-3 flex flex-wrap gap-3">
              {(["pro", "enterprise"] as const).map((tier) => (
                <BillingActionForm
                  key={tier}
                  action={startCheckoutAction}
                  label={`Choose ${PLANS[tier].name}`}
                  pendingLabel="Opening checkout…"
                  fields={{ ...fields, plan: tier, period: "monthly" }}
                />
              ))}
            </div>
            <p className="mt-3 text-sm text-slate-600">
              Compare plans and yearly prices on the{" "}
              <Link href="/pricing" className="font-medium text-brand-700 underline">
                pricing page
              </Link>
              .
            </p>
          </section>
        )}

        <section aria-labelledby="usage-heading" className="rounded-xl border border-slate-200 p-5">
          <h2 id="usage-heading" className="text-sm font-medium text-slate-600">
            Usage on {entitlements.plan.name}
          </h2>
          <div className="mt-3">
            <UsageBars usage={usage} />
          </div>
        </section>
      </div>
    </>
  );
}
