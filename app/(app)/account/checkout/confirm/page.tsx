import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LinkButton } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/submit-button";
import { requireUser } from "@/lib/auth/session";
import { planChoiceSchema } from "@/lib/billing/catalog/plan-choice";
import { getPlan, isPaidTier } from "@/lib/billing/catalog/plans";
import { formatPlanPricePer } from "@/lib/format/money";

export const metadata: Metadata = { title: "Confirm checkout" };
export const dynamic = "force-dynamic";

type Params = Record<string, string | string[] | undefined>;

/**
 * Where a checkout link followed from another site lands: nothing has been started; the button
 * posts the choice to /account/checkout (origin-checked), which then starts Checkout.
 */
export default async function ConfirmCheckoutPage({
  searchParams,
}: {
  searchParams: Promise<Params>;
}) {
  const params = await searchParams;
  const choice = planChoiceSchema.safeParse({ plan: params.plan, period: params.period });
  const here = choice.success
    ? `/account/checkout/confirm?${new URLSearchParams(choice.data)}`
    : "/pricing";
  await requireUser(here);
  if (!choice.success || !isPaidTier(choice.data.plan)) redirect("/pricing");
  const { plan, period } = choice.data;
  const name = getPlan(plan).name;

  return (
    <section
      aria-labelledby="confirm-heading"
      className="max-w-xl rounded-xl border-2 border-brand-600 p-5"
    >
      <h1 id="confirm-heading" className="text-xl font-semibold text-slate-900">
        Subscribe to {name}, billed {period}?
      </h1>
      <p className="mt-2 text-sm text-slate-700">
        You came here from a link on another site. Nothing has been started: continue to Stripe's
        payment page to subscribe to {name} at {formatPlanPricePer(plan, period)}, or compare the
        plans first.
      </p>
      <div className="mt-4 flex flex-wrap items-start gap-3">
        <form method="post" action="/account/checkout">
          <input type="hidden" name="plan" value={plan} />
          <input type="hidden" name="period" value={period} />
          <SubmitButton pendingLabel="Opening checkout…">Continue to payment</SubmitButton>
        </form>
        <LinkButton href="/pricing" variant="quiet">
          Compare plans
        </LinkButton>
      </div>
    </section>
  );
}
