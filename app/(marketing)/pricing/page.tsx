import type { Metadata } from "next";
import { connection } from "next/server";
import { ComparisonTable } from "@/components/pricing/comparison-table";
import { PeriodToggle } from "@/components/pricing/period-toggle";
import type { PricingViewer } from "@/components/pricing/plan-action";
import { PlanCard } from "@/components/pricing/plan-card";
import { PricingFaq } from "@/components/pricing/pricing-faq";
import { FormAlert } from "@/components/ui/form-alert";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/session";
import { listPlans, PLAN_TIERS } from "@/lib/billing/catalog/plans";
import { getEntitlements } from "@/lib/billing/entitlements";
import { env } from "@/lib/env";
import { currentWorkspaceOf } from "@/lib/workspaces/request";

async function pricingViewer(): Promise<PricingViewer> {
  const user = await currentUser();
  if (!user) return { signedIn: false };
  // The plan of the workspace the visitor works in (the buttons act on it through /account/*).
  const { workspace } = await currentWorkspaceOf(user.id);
  const entitlements = await getEntitlements(await getDb(), workspace.id);
  return {
    signedIn: true,
    tier: entitlements.tier,
    period: entitlements.period,
    paid: entitlements.source === "subscription",
  };
}

export const metadata: Metadata = {
  title: "Pricing",
  description: "Free, Pro and Enterprise plans per team member, billed monthly or yearly.",
};

export default async function PricingPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Rendered per request: trial and grace lengths are deployment settings, not build inputs,
  // and a signed-in visitor sees their own plan marked.
  await connection();
  const [viewer, params] = await Promise.all([pricingViewer(), searchParams]);
  const { DEFAULT_TRIAL_DAYS: trialDays, BILLING_GRACE_PERIOD_DAYS: graceDays } = env();
  const plans = listPlans();

  return (
    <div className="pricing mx-auto max-w-6xl px-4 py-12 sm:px-6 sm:py-16">
      <header className="text-center">
        <h1 className="text-3xl font-bold tracking-tight text-slate-900 sm:text-5xl">
          Pricing that grows with you
        </h1>
        <p className="mx-auto mt-4 max-w-2xl text-lg text-slate-600">
          Start free. Upgrade when you need more.
          {trialDays > 0 && ` Your first paid plan starts with a ${trialDays}-day free trial.`}
        </p>
      </header>

      {params.checkout === "canceled" && (
        <div className="mx-auto mt-8 max-w-xl">
          <FormAlert tone="info">Checkout was canceled; nothing was charged.</FormAlert>
        </div>
      )}

      <div className="mt-10">
        <PeriodToggle tiers={PLAN_TIERS} />
      </div>

      <div className="mt-10 grid gap-8 md:grid-cols-3">
        {plans.map((plan) => (
          <PlanCard
            key={plan.tier}
            plan={plan}
            trialDays={trialDays}
            viewer={viewer}
            highlighted={plan.tier === "pro"}
          />
        ))}
      </div>

      <section aria-labelledby="compare" className="mt-20">
        <h2 id="compare" className="text-2xl font-bold tracking-tight text-slate-900">
          Compare plans
        </h2>
        <div className="mt-6">
          <ComparisonTable plans={plans} />
        </div>
      </section>

      <section aria-labelledby="faq" className="mx-auto mt-20 max-w-3xl">
        <h2 id="faq" className="text-2xl font-bold tracking-tight text-slate-900">
          Questions
        </h2>
        <div className="mt-6">
          <PricingFaq trialDays={trialDays} graceDays={graceDays} />
        </div>
      </section>
    </div>
  );
}
