// GET /api/billing/subscription?plan=&period= — what changing the caller's subscription to that
// plan would charge now → {change, amountDue, currency, prorationDate, effectiveAt}.
// POST /api/billing/subscription {plan, period, prorationDate?} — change plan or billing period:
// upgrades now (proration charged at once), downgrades from the next renewal → {change,
// subscription}; a plain HTML form post is answered 303 to the billing page.
import { getDb } from "@/db";
import {
  changeSubscription,
  changeSubscriptionSchema,
  previewChangeSchema,
  previewSubscriptionChange,
} from "@/lib/billing/service/change-plan";
import { getStripe } from "@/lib/billing/stripe/client";
import { readJsonOrForm } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { seeOther } from "@/lib/http/see-other";
import { RATE_LIMITS } from "@/lib/rate-limit";

const noStore = { "Cache-Control": "no-store" };

export const GET = route(
  "user",
  async ({ request, caller }) => {
    const query = previewChangeSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const preview = await previewSubscriptionChange({
      db: await getDb(),
      stripe: getStripe(),
      userId: caller.user.id,
      tier: query.plan,
      period: query.period,
    });
    return Response.json(preview, { headers: noStore });
  },
  { rateLimit: RATE_LIMITS.billing },
);

export const POST = route(
  "user",
  async ({ request, caller }) => {
    const { data, form } = await readJsonOrForm(request, changeSubscriptionSchema);
    const result = await changeSubscription({
      db: await getDb(),
      stripe: getStripe(),
      userId: caller.user.id,
      tier: data.plan,
      period: data.period,
      prorationDate: data.prorationDate,
    });
    if (form) return seeOther("/account/billing?changed=1");
    return Response.json(result, { headers: noStore });
  },
  { rateLimit: RATE_LIMITS.billing },
);
