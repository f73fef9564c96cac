// GET /account/checkout?plan=&period= — where the pricing page's buttons lead: starts a Stripe
// Checkout session for the signed-in user and answers 303 to Stripe's page. Signed out → the
// sign-up page, which comes back here once the account exists. A link, not a form, so the
// pricing page needs no JavaScript; the session costs nothing until it is paid, the plan is
// read from the catalog on the server, and the rate limit caps how many a link can start.
//
// Problems the person can act on lead to the billing page with a notice code (its messages are
// fixed text there; nothing from the URL is shown): already on the plan, or a subscription that
// should be changed rather than bought twice (→ the change-plan confirmation).
import { getDb } from "@/db";
import { callerFromRequest } from "@/lib/auth/session";
import { createCheckoutSession } from "@/lib/billing/service/create-checkout-session";
import { getStripe } from "@/lib/billing/stripe";
import { AppError } from "@/lib/errors";
import { seeOther } from "@/lib/http/see-other";
import { log } from "@/lib/log";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { checkoutSchema } from "../../../api/billing/checkout/schema";

const BILLING = "/account/billing";

export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const here = `/account/checkout${url.search}`;
  let userId: string;
  try {
    userId = (await callerFromRequest(request, { allowApiKey: false })).user.id;
  } catch (error) {
    if (error instanceof AppError) {
      return seeOther(`/sign-up?${new URLSearchParams({ callbackUrl: here })}`);
    }
    throw error;
  }

  const choice = checkoutSchema.safeParse({
    plan: url.searchParams.get("plan") ?? undefined,
    period: url.searchParams.get("period") ?? undefined,
  });
  if (!choice.success) return seeOther("/pricing");
  const { plan, period } = choice.data;

  try {
    const db = await getDb();
    await enforceRateLimit(db, RATE_LIMITS.checkout, userId);
    const { url: checkoutUrl } = await createCheckoutSession({
      db,
      stripe: getStripe(),
      userId,
      tier: plan,
      period,
    });
    return seeOther(checkoutUrl);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    log.info({ userId, plan, period, code: error.code }, "checkout not started");
    if (error.code === "subscription_exists") {
      return seeOther(`${BILLING}?${new URLSearchParams({ change: plan, period })}`);
    }
    return seeOther(`${BILLING}?${new URLSearchParams({ notice: error.code })}`);
  }
}
