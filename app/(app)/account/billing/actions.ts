"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { requireUser } from "@/lib/auth/session";
import { isBillingPeriod, isPlanTier } from "@/lib/billing/plans";
import { createCheckoutSession } from "@/lib/billing/service/create-checkout-session";
import { createPortalSession } from "@/lib/billing/service/create-portal-session";
import { resumeSubscription } from "@/lib/billing/service/resume-subscription";
import { getStripe } from "@/lib/billing/stripe";
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

export async function startCheckoutAction(
  _prev: FormState,
  formData: FormData,
): Promise<FormState> {
  const user = await requireUser(PAGE);
  const tier = formText(formData, "plan");
  const period = formText(formData, "period");
  if (!isPlanTier(tier) || !isBillingPeriod(period)) {
    return { status: "error", message: "Choose a plan and a billing period." };
  }
  return attempt(async () => {
    const db = await getDb();
    await enforceRateLimit(db, RATE_LIMITS.checkout, user.id);
    const { url } = await createCheckoutSession({
      db,
      stripe: getStripe(),
      userId: user.id,
      tier,
      period,
    });
    return url;
  });
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
    await resumeSubscription({ db, stripe: getStripe(), userId: user.id });
    return `${PAGE}?resumed=1`;
  });
}
