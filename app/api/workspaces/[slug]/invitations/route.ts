// GET /api/workspaces/:slug/invitations — open invitations, expired ones marked (owners, admins).
// POST /api/workspaces/:slug/invitations {email, role} — invite an address as admin or member
// (201); the link is mailed (or logged in development), never answered. 409 for a member or an
// address invited already, 402 when the plan has no room for another member.
import { getDb } from "@/db";
import { readJson } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { NEEDS } from "@/lib/workspaces/access";
import { authorizeCaller } from "@/lib/workspaces/api";
import { createInvitation, inviteSchema, listInvitations } from "@/lib/workspaces/invitations";

type Params = { slug: string };

export const GET = route<"user", Params>("user", async ({ caller, params }) => {
  const { workspace } = await authorizeCaller(caller, params.slug, NEEDS.members);
  return Response.json({ data: await listInvitations(await getDb(), workspace.id) });
});

export const POST = route<"user", Params>(
  "user",
  async ({ request, caller, params }) => {
    const { workspace } = await authorizeCaller(caller, params.slug, NEEDS.members);
    const { email, role } = await readJson(request, inviteSchema);
    const { invitation } = await createInvitation(await getDb(), {
      workspaceId: workspace.id,
      inviterId: caller.user.id,
      email,
      role,
    });
    return Response.json({ invitation }, { status: 201 });
  },
  { rateLimit: RATE_LIMITS.invitationCreate },
);
