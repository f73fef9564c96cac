// GET /account/checkout?plan=&period= — where the pricing page's buttons lead: starts a Stripe
// Checkout session for the signed-in user and answers 303 to Stripe's page. Signed out → the
// sign-up page, which comes back here once the account exists. A link, not a form, so the
// pricing page needs no JavaScript; the plan is read from the catalog on the server.
//
// Followed from another site (`isForeignNavigation`), the link starts nothing: it leads to a
// confirmation page whose button posts here (POST, origin-checked), so no other site can
// create sessions for a signed-in person or expire the one they are paying in another tab.
// The rate limit is charged only once a session is really to be started.
//
// Problems the person can act on lead to the billing page with a notice code (its messages are
// fixed text there; nothing from the URL is shown): already on the plan, or a subscription that
// should be changed rather than bought twice (→ the change-plan confirmation).
import { getDb } from "@/db";
import { sessionCallerFromRequest } from "@/lib/auth/session";
import type { BillingPeriod, PlanTier } from "@/lib/billing/plans";
import { createCheckoutSession } from "@/lib/billing/service/create-checkout-session";
import { getStripe } from "@/lib/billing/stripe";
import { AppError, errorResponse } from "@/lib/errors";
import { isForeignNavigation } from "@/lib/http/foreign-navigation";
import { assertSameOrigin, readJsonOrForm } from "@/lib/http/request";
import { seeOther } from "@/lib/http/see-other";
import { log } from "@/lib/log";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { checkoutSchema } from "../../../api/billing/checkout/schema";

const BILLING = "/account/billing";
const CONFIRM = "/account/checkout/confirm";

/** The signed-in user's id, or null (the caller sends them to sign up). */
async function userIdOf(request: Request): Promise<string | null> {
  try {
    return (await sessionCallerFromRequest(request)).user.id;
  } catch (error) {
    if (error instanceof AppError) return null;
    throw error;
  }
}

const signUp = (back: string) => seeOther(`/sign-up?${new URLSearchParams({ callbackUrl: back })}`);

async function startCheckout(
  userId: string,
  plan: PlanTier,
  period: BillingPeriod,
): Promise<Response> {
  try {
    const db = await getDb();
    await enforceRateLimit(db, RATE_LIMITS.checkout, userId);
    const { url } = await createCheckoutSession({
      db,
      stripe: getStripe(),
      userId,
      tier: plan,
      period,
    });
    return seeOther(url);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    log.info({ userId, plan, period, code: error.code }, "checkout not started");
    if (error.code === "subscription_exists") {
      return seeOther(`${BILLING}?${new URLSearchParams({ change: plan, period })}`);
    }
    return seeOther(`${BILLING}?${new URLSearchParams({ notice: error.code })}`);
  }
}

export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const userId = await userIdOf(request);
  if (!userId) return signUp(`/account/checkout${url.search}`);

  const choice = checkoutSchema.safeParse({
    plan: url.searchParams.get("plan") ?? undefined,
    period: url.searchParams.get("period") ?? undefined,
  });
  if (!choice.success) return seeOther("/pricing");
  const { plan, period } = choice.data;
  if (isForeignNavigation(request)) {
    log.info({ userId, plan, period }, "checkout link from another site; asking to confirm");
    return seeOther(`${CONFIRM}?${new URLSearchParams({ plan, period })}`);
  }
  return startCheckout(userId, plan, period);
}

/** The confirmation page's button: a plain form post of `plan` and `period`. */
export async function POST(request: Request): Promise<Response> {
  try {
    assertSameOrigin(request);
  } catch (error) {
    return errorResponse(error);
  }
  const userId = await userIdOf(request);
  if (!userId) return signUp("/pricing");
  const choice = await readJsonOrForm(request, checkoutSchema).catch(() => null);
  if (!choice) return seeOther("/pricing");
  return startCheckout(userId, choice.data.plan, choice.data.period);
}
