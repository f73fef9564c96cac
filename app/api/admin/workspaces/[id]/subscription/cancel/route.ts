// POST /api/admin/workspaces/:id/subscription/cancel {immediately?} — a site admin ends a
// workspace's subscription: at once by default (the workspace drops to Free now, nothing is
// refunded), or at the end of the period with `immediately: false` (then only an admin can undo
// it). → {subscription}; 404 for a signed-in non-admin, an unknown workspace, or one without a
// subscription.
import { getDb } from "@/db";
import { adminWorkspaceOrThrow } from "@/lib/admin/customer-workspace";
import { cancelSubscription, cancelSubscriptionSchema } from "@/lib/billing/service/cancel";
import { getStripe } from "@/lib/billing/stripe/client";
import { readJsonOrForm } from "@/lib/http/request";
import { route } from "@/lib/http/route";

export const POST = route<"admin", { id: string }>(
  "admin",
  async ({ request, caller, params }) => {
    const { data } = await readJsonOrForm(request, cancelSubscriptionSchema);
    const db = await getDb();
    const workspace = await adminWorkspaceOrThrow(db, params.id);
    const result = await cancelSubscription({
      db,
      stripe: getStripe(),
      workspaceId: workspace.id,
      actor: { id: caller.user.id, siteAdmin: true },
      immediately: data.immediately ?? true,
    });
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  },
  { hidden: true },
);
