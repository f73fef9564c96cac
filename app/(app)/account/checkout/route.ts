// GET /account/checkout?plan=&period= — where the pricing page's buttons lead: starts a Stripe
// Checkout session for the signed-in user and answers 303 to Stripe's page. Signed out → the
// sign-up page, which comes back here once the account exists. A link, not a form, so the
// pricing page needs no JavaScript; the plan is read from the catalog on the server.
//
// Followed from another site (`isForeignNavigation`), the link starts nothing: it leads to a
// confirmation page whose button posts here (POST, origin-checked), so no other site can
// create sessions for a signed-in person or expire the one they are paying in another tab.
//
// Starting is `startCheckout`'s (lib/billing/service/checkout.ts), the door every checkout goes
// through: it charges the rate limit only once a session is really to be started, and says
// where a refusal leads (the billing page with a notice code, or the change-plan confirmation
// for a subscription that should be changed rather than bought twice).
import { getDb } from "@/db";
import { sessionCallerFromRequest } from "@/lib/auth/session";
import { planChoiceSchema } from "@/lib/billing/catalog/plan-choice";
import { startCheckout } from "@/lib/billing/service/checkout";
import { getStripe } from "@/lib/billing/stripe/client";
import { AppError, errorResponse } from "@/lib/errors";
import { isForeignNavigation } from "@/lib/http/foreign-navigation";
import { assertSameOrigin, readJsonOrForm } from "@/lib/http/request";
import { seeOther } from "@/lib/http/see-other";
import { log } from "@/lib/log";

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

async function start(userId: string, choice: unknown): Promise<Response> {
  const checkout = await startCheckout({ db: await getDb(), stripe: getStripe(), userId, choice });
  return seeOther(checkout.started ? checkout.url : checkout.next);
}

export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const userId = await userIdOf(request);
  if (!userId) return signUp(`/account/checkout${url.search}`);

  const choice = planChoiceSchema.safeParse({
    plan: url.searchParams.get("plan") ?? undefined,
    period: url.searchParams.get("period") ?? undefined,
  });
  if (!choice.success) return seeOther("/pricing");
  const { plan, period } = choice.data;
  if (isForeignNavigation(request)) {
    log.info({ userId, plan, period }, "checkout link from another site; asking to confirm");
    return seeOther(`${CONFIRM}?${new URLSearchParams({ plan, period })}`);
  }
  return start(userId, choice.data);
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
  const choice = await readJsonOrForm(request, planChoiceSchema).catch(() => null);
  if (!choice) return seeOther("/pricing");
  return start(userId, choice.data);
}
