// POST /api/workspaces/:slug/billing/subscription/cancel — cancel the workspace's subscription
// at the end of the period (the plan is kept until then; `immediately` is for site admins, from
// the admin area: 403 here) → {subscription}; a plain HTML form post is answered 303 to the
// billing page. Owners and admins only.
import { cancelSubscription, cancelSubscriptionSchema } from "@/lib/billing/service/cancel";
import { workspaceBillingPath } from "@/lib/billing/service/checkout";
import { getStripe } from "@/lib/billing/stripe/client";
import { readJsonOrForm } from "@/lib/http/request";
import { seeOther } from "@/lib/http/see-other";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { NEEDS } from "@/lib/workspaces/access";
import { workspaceRoute } from "../../../workspace-route";

export const POST = workspaceRoute<{ slug: string }>(
  NEEDS.billing,
  async ({ request, caller, db, workspace }) => {
    const { data, form } = await readJsonOrForm(request, cancelSubscriptionSchema);
    const result = await cancelSubscription({
      db,
      stripe: getStripe(),
      workspaceId: workspace.id,
      actor: { id: caller.user.id, siteAdmin: false },
      immediately: data.immediately ?? false,
    });
    if (form) return seeOther(`${workspaceBillingPath(workspace.slug)}?canceled=1`);
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  },
  { rateLimit: RATE_LIMITS.billing },
);
