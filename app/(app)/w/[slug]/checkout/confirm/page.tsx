import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LinkButton } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/submit-button";
import { getDb } from "@/db";
import { planChoiceSchema } from "@/lib/billing/catalog/plan-choice";
import { getPlan, isPaidTier } from "@/lib/billing/catalog/plans";
import { formatPlanAmountPer } from "@/lib/format/seats";
import { NEEDS } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/request";
import { memberCount } from "@/lib/workspaces/workspaces";

export const metadata: Metadata = { title: "Confirm checkout" };
export const dynamic = "force-dynamic";

type Params = Record<string, string | string[] | undefined>;

/**
 * Where a checkout link followed from another site lands: nothing has been started; the button
 * posts the choice to /w/<slug>/checkout (origin-checked), which then starts Checkout. Owners
 * and admins of the workspace only (anyone else gets the 404 page).
 */
export default async function ConfirmCheckoutPage({
  params: routeParams,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Params>;
}) {
  const { slug } = await routeParams;
  const params = await searchParams;
  const choice = planChoiceSchema.safeParse({ plan: params.plan, period: params.period });
  const here = choice.success
    ? `/w/${slug}/checkout/confirm?${new URLSearchParams(choice.data)}`
    : "/pricing";
  const { workspace } = await requireWorkspacePage(slug, NEEDS.billing, here);
  if (!choice.success || !isPaidTier(choice.data.plan)) redirect("/pricing");
  const { plan, period } = choice.data;
  const name = getPlan(plan).name;
  const seats = Math.max(1, await memberCount(await getDb(), workspace.id));

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
        payment page to subscribe {workspace.name} to {name} at{" "}
        {formatPlanAmountPer(plan, period, seats)}, or compare the plans first.
      </p>
      <div className="mt-4 flex flex-wrap items-start gap-3">
        <form method="post" action={`/w/${workspace.slug}/checkout`}>
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
