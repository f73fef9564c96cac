// POST /api/workspaces/:slug/billing/portal — a Stripe customer-portal session for the
// workspace's customer, returning to its billing page → {url}; a plain HTML form post is
// answered 303 to the portal. Owners and admins only.
import { createPortalSession } from "@/lib/billing/service/portal";
import { getStripe } from "@/lib/billing/stripe/client";
import { isFormPost } from "@/lib/http/request";
import { seeOther } from "@/lib/http/see-other";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { NEEDS } from "@/lib/workspaces/access";
import { workspaceRoute } from "../../workspace-route";

export const POST = workspaceRoute<{ slug: string }>(
  NEEDS.billing,
  async ({ request, db, workspace }) => {
    const { url } = await createPortalSession({
      db,
      stripe: getStripe(),
      workspaceId: workspace.id,
      workspaceSlug: workspace.slug,
    });
    if (isFormPost(request)) return seeOther(url);
    return Response.json({ url }, { headers: { "Cache-Control": "no-store" } });
  },
  { rateLimit: RATE_LIMITS.billing },
);
