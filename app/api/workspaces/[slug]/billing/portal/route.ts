// POST /api/workspaces/:slug/billing/portal — a Stripe customer-portal session for the
// workspace's customer, returning to its billing page → {url}; a plain HTML form post is
// answered 303 to the portal. Owners and admins only.
import { getDb } from "@/db";
import { createPortalSession } from "@/lib/billing/service/portal";
import { getStripe } from "@/lib/billing/stripe/client";
import { isFormPost } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { seeOther } from "@/lib/http/see-other";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { authorizeWorkspace, NEEDS } from "@/lib/workspaces/access";

export const POST = route<"user", { slug: string }>(
  "user",
  async ({ request, caller, params }) => {
    const db = await getDb();
    const { workspace } = await authorizeWorkspace(db, {
      userId: caller.user.id,
      slug: params.slug,
      need: NEEDS.billing,
    });
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
