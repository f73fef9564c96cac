// POST /api/billing/subscription/resume — undo the caller's scheduled cancellation → {subscription};
// 409 when it is not set to cancel, 403 when an admin scheduled it; a plain HTML form post is
// answered 303 to the billing page.
import { getDb } from "@/db";
import { resumeSubscription } from "@/lib/billing/service/resume";
import { getStripe } from "@/lib/billing/stripe/client";
import { isFormPost } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { seeOther } from "@/lib/http/see-other";
import { RATE_LIMITS } from "@/lib/rate-limit";

export const POST = route(
  "user",
  async ({ request, caller }) => {
    const result = await resumeSubscription({
      db: await getDb(),
      stripe: getStripe(),
      userId: caller.user.id,
      actor: caller.user,
    });
    if (isFormPost(request)) return seeOther("/account/billing?resumed=1");
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  },
  { rateLimit: RATE_LIMITS.billing },
);
