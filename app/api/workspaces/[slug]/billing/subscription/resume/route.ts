// POST /api/workspaces/:slug/billing/subscription/resume — undo the workspace's scheduled
// cancellation → {subscription}; 409 when it is not set to cancel, 403 when a site admin
// scheduled it; a plain HTML form post is answered 303 to the billing page. Owners and admins
// only.
import { workspaceBillingPath } from "@/lib/billing/service/checkout";
import { resumeSubscription } from "@/lib/billing/service/resume";
import { getStripe } from "@/lib/billing/stripe/client";
import { isFormPost } from "@/lib/http/request";
import { seeOther } from "@/lib/http/see-other";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { NEEDS } from "@/lib/workspaces/access";
import { workspaceRoute } from "../../../workspace-route";

export const POST = workspaceRoute<{ slug: string }>(
  NEEDS.billing,
  async ({ request, caller, db, workspace }) => {
    const result = await resumeSubscription({
      db,
      stripe: getStripe(),
      workspaceId: workspace.id,
      actor: { id: caller.user.id, siteAdmin: false },
    });
    if (isFormPost(request)) return seeOther(`${workspaceBillingPath(workspace.slug)}?resumed=1`);
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  },
  { rateLimit: RATE_LIMITS.billing },
);
