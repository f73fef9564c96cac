// POST /api/billing/checkout {plan, period} — a Stripe Checkout session for a paid plan → {url}.
// A plain HTML form (application/x-www-form-urlencoded) is answered 303 to the Checkout page.

import { z } from "zod";
import { getDb } from "@/db";
import { startCheckout } from "@/lib/billing/service/checkout";
import { getStripe } from "@/lib/billing/stripe/client";
import { readJsonOrForm } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { seeOther } from "@/lib/http/see-other";

export const POST = route("user", async ({ request, caller }) => {
  // The body as sent: `startCheckout` validates the choice, as it does for every door.
  const { data, form } = await readJsonOrForm(request, z.unknown());
  const checkout = await startCheckout({
    db: await getDb(),
    stripe: getStripe(),
    userId: caller.user.id,
    choice: data,
  });
  if (!checkout.started) throw checkout.error;
  if (form) return seeOther(checkout.url);
  return Response.json({ url: checkout.url }, { headers: { "Cache-Control": "no-store" } });
});
