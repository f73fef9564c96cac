// POST /api/workspaces/:slug/invitations/:id/resend — mail an open invitation again with a new
// link and a new 7-day expiry (owners, admins); 5 re-sends per invitation an hour.
import { getDb } from "@/db";
import { route } from "@/lib/http/route";
import { NEEDS } from "@/lib/workspaces/access";
import { authorizeCaller } from "@/lib/workspaces/api";
import { resendInvitation } from "@/lib/workspaces/invitations";

export const POST = route<"user", { slug: string; id: string }>(
  "user",
  async ({ caller, params }) => {
    const { workspace } = await authorizeCaller(caller, params.slug, NEEDS.members);
    const { invitation } = await resendInvitation(await getDb(), {
      workspaceId: workspace.id,
      invitationId: params.id,
      actorId: caller.user.id,
    });
    return Response.json({ invitation });
  },
);
