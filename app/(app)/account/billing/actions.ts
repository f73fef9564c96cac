"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { BILLING_PERIODS, PLAN_TIERS } from "@/lib/billing/catalog/plans";
import { cancelSubscription } from "@/lib/billing/service/cancel";
import { changeSubscription } from "@/lib/billing/service/change-plan";
import { startCheckout } from "@/lib/billing/service/checkout";
import { createPortalSession } from "@/lib/billing/service/portal";
import { resumeSubscription } from "@/lib/billing/service/resume";
import { getStripe } from "@/lib/billing/stripe/client";
import { formText } from "@/lib/form-state";
import { action } from "@/lib/http/action";
import { RATE_LIMITS } from "@/lib/rate-limit";

const PAGE = "/account/billing";

/*
 * Errors the person can act on come back as the form's message (`action`); on success each
 * action redirects, to Stripe or back to the billing page with a notice.
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

const billing = { access: "user", returnTo: PAGE, rateLimit: RATE_LIMITS.billing } as const;

/**
 * Starts checkout through the one door (`startCheckout`, which validates the choice and charges
 * the checkout rate limit); a refusal is shown on the form.
 */
export const startCheckoutAction = action(
  { access: "user", returnTo: PAGE },
  async (_input, { user, formData }) => {
    const checkout = await startCheckout({
      db: await getDb(),
      stripe: getStripe(),
      userId: user.id,
      choice: { plan: formText(formData, "plan"), period: formText(formData, "period") },
    });
    if (!checkout.started) return { status: "error", message: checkout.error.message };
    redirect(checkout.url);
  },
);

export const openPortalAction = action(billing, async (_input, { user }) => {
  const { url } = await createPortalSession({
    db: await getDb(),
    stripe: getStripe(),
    userId: user.id,
  });
  redirect(url);
});

export const resumeAction = action(billing, async (_input, { user }) => {
  await resumeSubscription({
    db: await getDb(),
    stripe: getStripe(),
    userId: user.id,
    actor: user,
  });
  redirect(`${PAGE}?resumed=1`);
});

/**
 * Confirms a plan change shown on the billing page. `prorationDate` is the preview's, so the
 * charge equals what was shown (the service refuses one older than a few minutes).
 */
export const changePlanAction = action(
  { ...billing, schema: planChange, invalid: "message" },
  async ({ plan, period, prorationDate }, { user }) => {
    const { change } = await changeSubscription({
      db: await getDb(),
      stripe: getStripe(),
      userId: user.id,
      tier: plan,
      period,
      prorationDate,
    });
    redirect(`${PAGE}?changed=${change}`);
  },
);

/** Cancels the user's own subscription at the end of the period (after the confirmation). */
export const cancelAction = action(billing, async (_input, { user }) => {
  await cancelSubscription({
    db: await getDb(),
    stripe: getStripe(),
    userId: user.id,
    actor: user,
  });
  redirect(`${PAGE}?canceled=1`);
});
