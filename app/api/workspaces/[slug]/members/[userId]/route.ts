// PATCH /api/workspaces/:slug/members/:userId {role} — change a member's role (owners and
// admins; only an owner makes or unmakes an owner; the last owner stays).
// DELETE /api/workspaces/:slug/members/:userId — remove a member (owners and admins), or leave
// (a member removing themselves); the last owner cannot go.
import { z } from "zod";
import { getDb } from "@/db";
import { WORKSPACE_ROLES } from "@/db/schema";
import { readJson } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { NEEDS } from "@/lib/workspaces/access";
import { authorizeCaller } from "@/lib/workspaces/api";
import { changeMemberRole, removeMember } from "@/lib/workspaces/members";

type Params = { slug: string; userId: string };

const roleSchema = z.object({ role: z.enum(WORKSPACE_ROLES, "Choose Owner, Admin or Member") });

export const PATCH = route<"user", Params>("user", async ({ request, caller, params }) => {
  const { workspace } = await authorizeCaller(caller, params.slug, NEEDS.members);
  const { role } = await readJson(request, roleSchema);
  const member = await changeMemberRole(await getDb(), {
    workspaceId: workspace.id,
    actorId: caller.user.id,
    userId: params.userId,
    role,
  });
  return Response.json({ member });
});

export const DELETE = route<"user", Params>("user", async ({ caller, params }) => {
  const leaving = params.userId === caller.user.id;
  const need = leaving ? NEEDS.use : NEEDS.members;
  const { workspace } = await authorizeCaller(caller, params.slug, need);
  await removeMember(await getDb(), {
    workspaceId: workspace.id,
    actorId: caller.user.id,
    userId: params.userId,
  });
  return new Response(null, { status: 204 });
});
