// GET /api/workspaces/:slug/billing/subscription?plan=&period= — what changing the workspace's
// subscription to that plan would charge now → {change, amountDue, currency, prorationDate,
// effectiveAt}.
// POST /api/workspaces/:slug/billing/subscription {plan, period, prorationDate?} — change plan
// or billing period: upgrades now (proration charged at once), downgrades from the next
// renewal → {change, subscription}; a plain HTML form post is answered 303 to the billing page.
// Owners and admins only.
import {
  changeSubscription,
  changeSubscriptionSchema,
  previewChangeSchema,
  previewSubscriptionChange,
} from "@/lib/billing/service/change-plan";
import { workspaceBillingPath } from "@/lib/billing/service/checkout";
import { getStripe } from "@/lib/billing/stripe/client";
import { readJsonOrForm } from "@/lib/http/request";
import { seeOther } from "@/lib/http/see-other";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { NEEDS } from "@/lib/workspaces/access";
import { workspaceRoute } from "../../workspace-route";

const noStore = { "Cache-Control": "no-store" };

export const GET = workspaceRoute<{ slug: string }>(
  NEEDS.billing,
  async ({ request, db, workspace }) => {
    const query = previewChangeSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const preview = await previewSubscriptionChange({
      db,
      stripe: getStripe(),
      workspaceId: workspace.id,
      tier: query.plan,
      period: query.period,
    });
    return Response.json(preview, { headers: noStore });
  },
  { rateLimit: RATE_LIMITS.billing },
);

export const POST = workspaceRoute<{ slug: string }>(
  NEEDS.billing,
  async ({ request, db, workspace }) => {
    const { data, form } = await readJsonOrForm(request, changeSubscriptionSchema);
    const result = await changeSubscription({
      db,
      stripe: getStripe(),
      workspaceId: workspace.id,
      tier: data.plan,
      period: data.period,
      prorationDate: data.prorationDate,
    });
    if (form) return seeOther(`${workspaceBillingPath(workspace.slug)}?changed=${result.change}`);
    return Response.json(result, { headers: noStore });
  },
  { rateLimit: RATE_LIMITS.billing },
);
