// POST /api/workspaces/:slug/billing/checkout {plan, period} — a Stripe Checkout session for a
// paid plan of the workspace, billed for its members as seats → {url}. Owners and admins only.
// A plain HTML form (application/x-www-form-urlencoded) is answered 303 to the Checkout page.

import { z } from "zod";
import { getDb } from "@/db";
import { startCheckout } from "@/lib/billing/service/checkout";
import { getStripe } from "@/lib/billing/stripe/client";
import { readJsonOrForm } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { seeOther } from "@/lib/http/see-other";
import { authorizeWorkspace, NEEDS } from "@/lib/workspaces/access";

export const POST = route<"user", { slug: string }>("user", async ({ request, caller, params }) => {
  const db = await getDb();
  const { workspace } = await authorizeWorkspace(db, {
    userId: caller.user.id,
    slug: params.slug,
    need: NEEDS.billing,
  });
  // The body as sent: `startCheckout` validates the choice, as it does for every door.
  const { data, form } = await readJsonOrForm(request, z.unknown());
  const checkout = await startCheckout({
    db,
    stripe: getStripe(),
    workspaceId: workspace.id,
    workspaceSlug: workspace.slug,
    choice: data,
  });
  if (!checkout.started) throw checkout.error;
  if (form) return seeOther(checkout.url);
  return Response.json({ url: checkout.url }, { headers: { "Cache-Control": "no-store" } });
});
