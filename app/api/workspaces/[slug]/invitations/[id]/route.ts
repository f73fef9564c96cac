// DELETE /api/workspaces/:slug/invitations/:id — revoke an open invitation (owners, admins).
import { getDb } from "@/db";
import { route } from "@/lib/http/route";
import { NEEDS } from "@/lib/workspaces/access";
import { authorizeCaller } from "@/lib/workspaces/api";
import { revokeInvitation } from "@/lib/workspaces/invitations";

export const DELETE = route<"user", { slug: string; id: string }>(
  "user",
  async ({ caller, params }) => {
    const { workspace } = await authorizeCaller(caller, params.slug, NEEDS.members);
    await revokeInvitation(await getDb(), { workspaceId: workspace.id, invitationId: params.id });
    return new Response(null, { status: 204 });
  },
);
