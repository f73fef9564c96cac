// GET /w/:slug/checkout?plan=&period= — starts a Stripe Checkout session for the workspace and
// answers 303 to Stripe's page; the pricing page's buttons lead here through /account/checkout,
// which sends the person to their current workspace. Owners and admins only: anyone else gets
// 404, as on the billing page. Signed out → the sign-up page, which comes back here once the
// account exists. A link, not a form, so the pricing page needs no JavaScript; the plan is read
// from the catalog on the server.
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
import { authorizeWorkspace, NEEDS } from "@/lib/workspaces/access";
import type { WorkspaceMembership } from "@/lib/workspaces/workspaces";

type Context = { params: Promise<{ slug: string }> };

/**
 * The signed-in person's membership of the workspace, if they may buy for it; null when nobody
 * is signed in (the caller sends them to sign up). Not a member or not an owner or admin →
 * AppError `not_found` (the 404 the billing page gives too).
 */
async function buyerOf(request: Request, slug: string): Promise<WorkspaceMembership | null> {
  let userId: string;
  try {
    userId = (await sessionCallerFromRequest(request)).user.id;
  } catch (error) {
    if (error instanceof AppError) return null;
    throw error;
  }
  try {
    return await authorizeWorkspace(await getDb(), { userId, slug, need: NEEDS.billing });
  } catch (error) {
    if (error instanceof AppError && error.code === "forbidden") {
      throw new AppError("not_found", `There is no workspace “${slug}”.`);
    }
    throw error;
  }
}

const signUp = (back: string) => seeOther(`/sign-up?${new URLSearchParams({ callbackUrl: back })}`);

async function start({ workspace }: WorkspaceMembership, choice: unknown): Promise<Response> {
  const checkout = await startCheckout({
    db: await getDb(),
    stripe: getStripe(),
    workspaceId: workspace.id,
    workspaceSlug: workspace.slug,
    choice,
  });
  return seeOther(checkout.started ? checkout.url : checkout.next);
}

export async function GET(request: Request, context: Context): Promise<Response> {
  const { slug } = await context.params;
  const url = new URL(request.url);
  try {
    const buyer = await buyerOf(request, slug);
    if (!buyer) return signUp(`/w/${slug}/checkout${url.search}`);
    const choice = planChoiceSchema.safeParse({
      plan: url.searchParams.get("plan") ?? undefined,
      period: url.searchParams.get("period") ?? undefined,
    });
    if (!choice.success) return seeOther("/pricing");
    const { plan, period } = choice.data;
    if (isForeignNavigation(request)) {
      log.info(
        { workspaceId: buyer.workspace.id, plan, period },
        "checkout link from another site; asking to confirm",
      );
      return seeOther(`/w/${slug}/checkout/confirm?${new URLSearchParams({ plan, period })}`);
    }
    return await start(buyer, choice.data);
  } catch (error) {
    return errorResponse(error);
  }
}

/** The confirmation page's button: a plain form post of `plan` and `period`. */
export async function POST(request: Request, context: Context): Promise<Response> {
  const { slug } = await context.params;
  try {
    assertSameOrigin(request);
    const buyer = await buyerOf(request, slug);
    if (!buyer) return signUp("/pricing");
    const choice = await readJsonOrForm(request, planChoiceSchema).catch(() => null);
    if (!choice) return seeOther("/pricing");
    return await start(buyer, choice.data);
  } catch (error) {
    return errorResponse(error);
  }
}
