// POST /api/invitations/:token/accept — join the workspace an invitation is for, signed in with
// the invited, verified address. 404 unknown link, 410 expired/revoked/used, 403 another or an
// unverified address, 402 when the plan has no room for another member.
import { getDb } from "@/db";
import { route } from "@/lib/http/route";
import { acceptInvitation } from "@/lib/workspaces/invitations";

export const POST = route<"user", { token: string }>("user", async ({ caller, params }) => {
  const { workspace, joined } = await acceptInvitation(await getDb(), {
    token: params.token,
    userId: caller.user.id,
  });
  return Response.json({
    workspace: { id: workspace.id, name: workspace.name, slug: workspace.slug },
    joined,
  });
});
