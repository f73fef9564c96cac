// POST /api/admin/workspaces/:id/subscription/resume — a site admin undoes a workspace's
// scheduled cancellation, an admin-scheduled one included (its owners and admins cannot undo
// those). → {subscription}; 404 for a signed-in non-admin, an unknown workspace, or one without
// a subscription; 409 when it is not set to cancel.
import { getDb } from "@/db";
import { adminWorkspaceOrThrow } from "@/lib/admin/customer-workspace";
import { resumeSubscription } from "@/lib/billing/service/resume";
import { getStripe } from "@/lib/billing/stripe/client";
import { route } from "@/lib/http/route";

export const POST = route<"admin", { id: string }>(
  "admin",
  async ({ caller, params }) => {
    const db = await getDb();
    const workspace = await adminWorkspaceOrThrow(db, params.id);
    const result = await resumeSubscription({
      db,
      stripe: getStripe(),
      workspaceId: workspace.id,
      actor: { id: caller.user.id, siteAdmin: true },
    });
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  },
  { hidden: true },
);
