// POST /api/billing/subscription/cancel {immediately?} — cancel the caller's subscription at the
// end of the period (the plan is kept until then); `immediately` only for admins (else 403).
// → {subscription}; a plain HTML form post is answered 303 to the billing page.
import { getDb } from "@/db";
import { cancelSubscription, cancelSubscriptionSchema } from "@/lib/billing/service/cancel";
import { getStripe } from "@/lib/billing/stripe/client";
import { readJsonOrForm } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { seeOther } from "@/lib/http/see-other";
import { RATE_LIMITS } from "@/lib/rate-limit";

export const POST = route(
  "user",
  async ({ request, caller }) => {
    const { data, form } = await readJsonOrForm(request, cancelSubscriptionSchema);
    const result = await cancelSubscription({
      db: await getDb(),
      stripe: getStripe(),
      userId: caller.user.id,
      actor: caller.user,
      immediately: data.immediately ?? false,
    });
    if (form) return seeOther("/account/billing?canceled=1");
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  },
  { rateLimit: RATE_LIMITS.billing },
);
