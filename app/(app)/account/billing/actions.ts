"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { requireUser } from "@/lib/auth/session";
import { isBillingPeriod, isPlanTier } from "@/lib/billing/catalog/plans";
import { cancelSubscription } from "@/lib/billing/service/cancel";
import { changeSubscription } from "@/lib/billing/service/change-plan";
import { startCheckout } from "@/lib/billing/service/checkout";
import { createPortalSession } from "@/lib/billing/service/portal";
import { resumeSubscription } from "@/lib/billing/service/resume";
import { getStripe } from "@/lib/billing/stripe/client";
import { AppError } from "@/lib/errors";
import { type FormState, formText } from "@/lib/form-state";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";

const PAGE = "/account/billing";

/** Errors the person can act on come back as a message; anything else is thrown (error page). */
async function attempt(run: () => Promise<string>): Promise<FormState> {
  let target: string;
  try {
    target = await run();
  } catch (error) {
    if (error instanceof AppError) return { status: "error", message: error.message };
    throw error;
  }
  // Outside the try: redirect() works by throwing.
  redirect(target);
}

/** Starts checkout through the one door (`startCheckout`); a refusal is shown on the form. */
export async function startCheckoutAction(
  _prev: FormState,
  formData: FormData,
): Promise<FormState> {
  const user = await requireUser(PAGE);
  const checkout = await startCheckout({
    db: await getDb(),
    stripe: getStripe(),
    userId: user.id,
    choice: { plan: formText(formData, "plan"), period: formText(formData, "period") },
  });
  if (!checkout.started) return { status: "error", message: checkout.error.message };
  redirect(checkout.url);
}

export async function openPortalAction(_prev: FormState, _formData: FormData): Promise<FormState> {
  const user = await requireUser(PAGE);
  return attempt(async () => {
    const db = await getDb();
    await enforceRateLimit(db, RATE_LIMITS.billing, user.id);
    const { url } = await createPortalSession({ db, stripe: getStripe(), userId: user.id });
    return url;
  });
}

export async function resumeAction(_prev: FormState, _formData: FormData): Promise<FormState> {
  const user = await requireUser(PAGE);
  return attempt(async () => {
    const db = await getDb();
    await enforceRateLimit(db, RATE_LIMITS.billing, user.id);
    await resumeSubscription({ db, stripe: getStripe(), userId: user.id, actor: user });
    return `${PAGE}?resumed=1`;
  });
}

/**
 * Confirms a plan change shown on the billing page. `prorationDate` is the preview's, so the
 * charge equals what was shown (the service refuses one older than a few minutes).
 */
export async function changePlanAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await requireUser(PAGE);
  const tier = formText(formData, "plan");
  const period = formText(formData, "period");
  const prorationText = formText(formData, "prorationDate");
  if (!isPlanTier(tier) || !isBillingPeriod(period)) {
    return { status: "error", message: "Choose a plan and a billing period." };
  }
  if (prorationText !== "" && !/^\d{1,12}$/.test(prorationText)) {
    return { status: "error", message: "The price you saw is no longer valid. Review it again." };
  }
  return attempt(async () => {
    const db = await getDb();
    await enforceRateLimit(db, RATE_LIMITS.billing, user.id);
    const { change } = await changeSubscription({
      db,
      stripe: getStripe(),
      userId: user.id,
      tier,
      period,
      prorationDate: prorationText === "" ? undefined : Number(prorationText),
    });
    return `${PAGE}?changed=${change}`;
  });
}

/** Cancels the user's own subscription at the end of the period (after the confirmation). */
export async function cancelAction(_prev: FormState, _formData: FormData): Promise<FormState> {
  const user = await requireUser(PAGE);
  return attempt(async () => {
    const db = await getDb();
    await enforceRateLimit(db, RATE_LIMITS.billing, user.id);
    await cancelSubscription({ db, stripe: getStripe(), userId: user.id, actor: user });
    return `${PAGE}?canceled=1`;
  });
}
