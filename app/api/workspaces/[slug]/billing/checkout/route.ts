// POST /api/workspaces/:slug/billing/checkout {plan, period} — a Stripe Checkout session for a
// paid plan of the workspace, billed for its members as seats → {url}. Owners and admins only.
// A plain HTML form (application/x-www-form-urlencoded) is answered 303 to the Checkout page.

import { z } from "zod";
import { startCheckout } from "@/lib/billing/service/checkout";
import { getStripe } from "@/lib/billing/stripe/client";
import { readJsonOrForm } from "@/lib/http/request";
import { seeOther } from "@/lib/http/see-other";
import { NEEDS } from "@/lib/workspaces/access";
import { workspaceRoute } from "../../workspace-route";

export const POST = workspaceRoute<{ slug: string }>(
  NEEDS.billing,
  async ({ request, db, workspace }) => {
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
  },
);
