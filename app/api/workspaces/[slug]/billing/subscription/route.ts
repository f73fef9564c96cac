// GET /api/workspaces/:slug/billing/subscription?plan=&period= — what changing the workspace's
// subscription to that plan would charge now → {change, amountDue, currency, prorationDate,
// effectiveAt}.
// POST /api/workspaces/:slug/billing/subscription {plan, period, prorationDate?} — change plan
// or billing period: upgrades now (proration charged at once), downgrades from the next
// renewal → {change, subscription}; a plain HTML form post is answered 303 to the billing page.
// Owners and admins only.
import { getDb } from "@/db";
import {
  changeSubscription,
  changeSubscriptionSchema,
  previewChangeSchema,
  previewSubscriptionChange,
} from "@/lib/billing/service/change-plan";
import { workspaceBillingPath } from "@/lib/billing/service/checkout";
import { getStripe } from "@/lib/billing/stripe/client";
import { readJsonOrForm } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { seeOther } from "@/lib/http/see-other";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { authorizeWorkspace, NEEDS } from "@/lib/workspaces/access";

const noStore = { "Cache-Control": "no-store" };

export const GET = route<"user", { slug: string }>(
  "user",
  async ({ request, caller, params }) => {
    const db = await getDb();
    const { workspace } = await authorizeWorkspace(db, {
      userId: caller.user.id,
      slug: params.slug,
      need: NEEDS.billing,
    });
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

export const POST = route<"user", { slug: string }>(
  "user",
  async ({ request, caller, params }) => {
    const db = await getDb();
    const { workspace } = await authorizeWorkspace(db, {
      userId: caller.user.id,
      slug: params.slug,
      need: NEEDS.billing,
    });
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
