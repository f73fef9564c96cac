// POST /api/billing/portal — a Stripe customer-portal session for the caller's own customer
// → {url}; a plain HTML form post is answered 303 to the portal.
import { getDb } from "@/db";
import { createPortalSession } from "@/lib/billing/service/portal";
import { getStripe } from "@/lib/billing/stripe/client";
import { isFormPost } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { seeOther } from "@/lib/http/see-other";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";

export const POST = route("user", async ({ request, caller }) => {
  const db = await getDb();
  await enforceRateLimit(db, RATE_LIMITS.billing, caller.user.id);
  const { url } = await createPortalSession({ db, stripe: getStripe(), userId: caller.user.id });
  if (isFormPost(request)) return seeOther(url);
  return Response.json({ url }, { headers: { "Cache-Control": "no-store" } });
});
