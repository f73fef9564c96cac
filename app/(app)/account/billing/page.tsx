import type { Metadata } from "next";
import Link from "next/link";
import { FormAlert } from "@/components/ui/form-alert";
import { getDb } from "@/db";
import { requireUser } from "@/lib/auth/session";
import { type Entitlements, getEntitlements } from "@/lib/billing/entitlements";
import { PLANS } from "@/lib/billing/plans";
import { findCustomer } from "@/lib/billing/service/find-customer";
import { syncCheckoutSession } from "@/lib/billing/service/sync-checkout-session";
import { getStripe } from "@/lib/billing/stripe";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { openPortalAction, resumeAction, startCheckoutAction } from "./actions";
import { BillingActionForm } from "./billing-action-form";

export const metadata: Metadata = { title: "Billing" };
export const dynamic = "force-dynamic";

const STATUS_LABELS: Record<Entitlements["status"], string> = {
  none: "No subscription",
  trialing: "Trial",
  active: "Active",
  past_due: "Payment failed",
  unpaid: "Unpaid",
  canceled: "Canceled",
  incomplete: "Awaiting payment",
  incomplete_expired: "Expired",
  paused: "Paused",
};

const day = (date: Date) =>
  new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(date);

/**
 * Back from Checkout: the session id is the one thing read from the URL, checked against the
 * user, and the customer is synced now so the new plan shows before the webhook arrives.
 */
async function confirmCheckout(userId: string, sessionId: string): Promise<string | null> {
  try {
    const result = await syncCheckoutSession({
      db: await getDb(),
      stripe: getStripe(),
      userId,
      sessionId,
    });
    return result.status === "complete" ? null : "Your checkout is not complete yet.";
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found")
      return "That checkout was not found.";
    log.warn({ err: error, userId }, "checkout confirmation failed; the webhook will catch up");
    return "Your payment is being confirmed; this page shows it within a minute.";
  }
}

export default async function BillingPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser("/account/billing");
  const params = await searchParams;
  const sessionId = typeof params.session_id === "string" ? params.session_id : null;
  const checkoutProblem = sessionId ? await confirmCheckout(user.id, sessionId) : null;
  const db = await getDb();
  const [entitlements, customer] = await Promise.all([
    getEntitlements(db, user.id),
    findCustomer(db, user.id),
  ]);
  const paid = entitlements.source === "subscription";

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Billing</h1>
      <div className="mt-6 flex max-w-xl flex-col gap-4">
        {sessionId && !checkoutProblem && paid && (
          <FormAlert tone="success">Thank you: you are on {entitlements.plan.name} now.</FormAlert>
        )}
        {checkoutProblem && <FormAlert tone="info">{checkoutProblem}</FormAlert>}
        {entitlements.warnings.map((warning) => (
          <FormAlert key={warning.kind} tone={warning.kind === "payment_failed" ? "error" : "info"}>
            {warning.kind === "trial_ending" &&
              `Your trial ends on ${day(warning.trialEnd)} (${warning.daysLeft} ${warning.daysLeft === 1 ? "day" : "days"} left).`}
            {warning.kind === "payment_failed" &&
              `Your last payment failed. You keep your plan until ${day(warning.graceEndsAt)}: update your card in Manage billing.`}
            {warning.kind === "cancels" && `Your plan ends on ${day(warning.cancelsAt)}.`}
            {warning.kind === "downgrade_scheduled" &&
              `You keep ${entitlements.plan.name} until ${day(warning.at)}; then your plan becomes ${PLANS[warning.toTier].name}.`}
          </FormAlert>
        ))}
        <section aria-labelledby="plan-heading" className="rounded-xl border border-slate-200 p-5">
          <h2 id="plan-heading" className="text-sm font-medium text-slate-600">
            Current plan
          </h2>
          <p className="mt-1 text-xl font-semibold text-slate-900" data-testid="billing-plan">
            {entitlements.plan.name}
          </p>
          <p className="mt-1 text-sm text-slate-700" data-testid="billing-status">
            {STATUS_LABELS[entitlements.status]}
            {paid && entitlements.currentPeriodEnd && entitlements.status === "active"
              ? ` · renews on ${day(entitlements.currentPeriodEnd)}`
              : ""}
          </p>
          <div className="mt-4 flex flex-wrap gap-3">
            {customer && (
              <BillingActionForm
                action={openPortalAction}
                label="Manage billing"
                pendingLabel="Opening billing…"
                variant="secondary"
              />
            )}
            {entitlements.warnings.some((warning) => warning.kind === "cancels") && (
              <BillingActionForm action={resumeAction} label="Resume" pendingLabel="Resuming…" />
            )}
          </div>
        </section>
        {!paid && (
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
                  fields={{ plan: tier, period: "monthly" }}
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
      </div>
    </>
  );
}
