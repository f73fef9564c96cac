// GET /api/workspaces/:slug — the workspace and the caller's role (any member).
// PATCH /api/workspaces/:slug {name?, slug?} — rename it or change its address (owners, admins).
// DELETE /api/workspaces/:slug — delete it with everything it owns (the owner); 409 for a
// personal workspace and while a subscription of it is live.
import { getDb } from "@/db";
import { readJson } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { NEEDS } from "@/lib/workspaces/access";
import { authorizeCaller, workspaceJson } from "@/lib/workspaces/api";
import { deleteWorkspace, updateWorkspace, updateWorkspaceSchema } from "@/lib/workspaces/settings";

type Params = { slug: string };

export const GET = route<"user", Params>("user", async ({ caller, params }) => {
  const membership = await authorizeCaller(caller, params.slug, NEEDS.use);
  return Response.json({ workspace: workspaceJson(membership) });
});

export const PATCH = route<"user", Params>("user", async ({ request, caller, params }) => {
  const membership = await authorizeCaller(caller, params.slug, NEEDS.settings);
  const input = await readJson(request, updateWorkspaceSchema);
  const workspace = await updateWorkspace(await getDb(), membership.workspace, input);
  return Response.json({ workspace: workspaceJson({ workspace, role: membership.role }) });
});

export const DELETE = route<"user", Params>("user", async ({ caller, params }) => {
  const { workspace } = await authorizeCaller(caller, params.slug, NEEDS.delete);
  await deleteWorkspace(await getDb(), workspace.id);
  return new Response(null, { status: 204 });
});
