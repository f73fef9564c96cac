// POST /api/billing/portal — a Stripe customer-portal session for the caller's own customer
// → {url}; a plain HTML form post is answered 303 to the portal.
import { getDb } from "@/db";
import { createPortalSession } from "@/lib/billing/service/portal";
import { getStripe } from "@/lib/billing/stripe/client";
import { isFormPost } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { seeOther } from "@/lib/http/see-other";
import { RATE_LIMITS } from "@/lib/rate-limit";

export const POST = route(
  "user",
  async ({ request, caller }) => {
    const { url } = await createPortalSession({
      db: await getDb(),
      stripe: getStripe(),
      userId: caller.user.id,
    });
    if (isFormPost(request)) return seeOther(url);
    return Response.json({ url }, { headers: { "Cache-Control": "no-store" } });
  },
  { rateLimit: RATE_LIMITS.billing },
);
