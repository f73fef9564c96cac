"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { BILLING_PERIODS, PLAN_TIERS } from "@/lib/billing/catalog/plans";
import { cancelSubscription } from "@/lib/billing/service/cancel";
import { changeSubscription } from "@/lib/billing/service/change-plan";
import { startCheckout, workspaceBillingPath } from "@/lib/billing/service/checkout";
import { createPortalSession } from "@/lib/billing/service/portal";
import { resumeSubscription } from "@/lib/billing/service/resume";
import { getStripe } from "@/lib/billing/stripe/client";
import { formText } from "@/lib/form-state";
import { action } from "@/lib/http/action";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { NEEDS } from "@/lib/workspaces/access";
import { authorizeWorkspaceForm, workspaceReturnTo } from "../workspace-form";

/*
 * Errors the person can act on come back as the form's message (`action`); on success each
 * action redirects, to Stripe or back to the workspace's billing page with a notice. Each
 * checks that the person is still an owner or admin of the form's workspace.
 */

const CHOOSE_PLAN = "Choose a plan and a billing period.";

/** The plan buttons' hidden fields: not typed by the person, so one message for any mistake. */
const planChoice = z.object({
  plan: z.enum(PLAN_TIERS, { error: CHOOSE_PLAN }),
  period: z.enum(BILLING_PERIODS, { error: CHOOSE_PLAN }),
});

const planChange = planChoice.extend({
  /** The preview's, so the charge equals what was shown; "" when there was none. */
  prorationDate: z
    .string()
    .regex(/^(\d{1,12})?$/, "The price you saw is no longer valid. Review it again.")
    .transform((text) => (text === "" ? undefined : Number(text))),
});

const returnTo = workspaceReturnTo("billing");
const billing = { access: "user", returnTo, rateLimit: RATE_LIMITS.billing } as const;

/**
 * Starts checkout through the one door (`startCheckout`, which validates the choice and charges
 * the checkout rate limit); a refusal is shown on the form.
 */
export const startCheckoutAction = action(
  { access: "user", returnTo },
  async (_input, { user, formData }) => {
    const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.billing);
    const checkout = await startCheckout({
      db: await getDb(),
      stripe: getStripe(),
      workspaceId: workspace.id,
      workspaceSlug: workspace.slug,
      choice: { plan: formText(formData, "plan"), period: formText(formData, "period") },
    });
    if (!checkout.started) return { status: "error", message: checkout.error.message };
    redirect(checkout.url);
  },
);

export const openPortalAction = action(billing, async (_input, { user, formData }) => {
  const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.billing);
  const { url } = await createPortalSession({
    db: await getDb(),
    stripe: getStripe(),
    workspaceId: workspace.id,
    workspaceSlug: workspace.slug,
  });
  redirect(url);
});

export const resumeAction = action(billing, async (_input, { user, formData }) => {
  const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.billing);
  await resumeSubscription({
    db: await getDb(),
    stripe: getStripe(),
    workspaceId: workspace.id,
    actor: { id: user.id, siteAdmin: false },
  });
  redirect(`${workspaceBillingPath(workspace.slug)}?resumed=1`);
});

/**
 * Confirms a plan change shown on the billing page. `prorationDate` is the preview's, so the
 * charge equals what was shown (the service refuses one older than a few minutes).
 */
export const changePlanAction = action(
  { ...billing, schema: planChange, invalid: "message" },
  async ({ plan, period, prorationDate }, { user, formData }) => {
    const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.billing);
    const { change } = await changeSubscription({
      db: await getDb(),
      stripe: getStripe(),
      workspaceId: workspace.id,
      tier: plan,
      period,
      prorationDate,
    });
    redirect(`${workspaceBillingPath(workspace.slug)}?changed=${change}`);
  },
);

/** Cancels the workspace's subscription at the end of the period (after the confirmation). */
export const cancelAction = action(billing, async (_input, { user, formData }) => {
  const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.billing);
  await cancelSubscription({
    db: await getDb(),
    stripe: getStripe(),
    workspaceId: workspace.id,
    actor: { id: user.id, siteAdmin: false },
  });
  redirect(`${workspaceBillingPath(workspace.slug)}?canceled=1`);
});
