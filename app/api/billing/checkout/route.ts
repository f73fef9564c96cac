// POST /api/billing/checkout {plan, period} — a Stripe Checkout session for a paid plan → {url}.
// A plain HTML form (application/x-www-form-urlencoded) is answered 303 to the Checkout page.
import { getDb } from "@/db";
import { createCheckoutSession } from "@/lib/billing/service/create-checkout-session";
import { getStripe } from "@/lib/billing/stripe";
import { readJsonOrForm } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { seeOther } from "@/lib/http/see-other";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { checkoutSchema } from "./schema";

export const POST = route("user", async ({ request, caller }) => {
  const db = await getDb();
  await enforceRateLimit(db, RATE_LIMITS.checkout, caller.user.id);
  const { data, form } = await readJsonOrForm(request, checkoutSchema);
  const { url } = await createCheckoutSession({
    db,
    stripe: getStripe(),
    userId: caller.user.id,
    tier: data.plan,
    period: data.period,
  });
  if (form) return seeOther(url);
  return Response.json({ url }, { headers: { "Cache-Control": "no-store" } });
});
