// GET /api/me — who the caller is, by session or API key, with their workspaces (slug, name,
// role, personal) and, for an API key, the workspace it acts on.
import { getDb } from "@/db";
import { route } from "@/lib/http/route";
import { listWorkspacesOf } from "@/lib/workspaces/workspaces";

export const GET = route("user-or-key", async ({ caller }) => {
  const { id, email, name, role } = caller.user;
  const memberships = await listWorkspacesOf(await getDb(), id);
  const workspaces = memberships.map(({ workspace, role: workspaceRole }) => ({
    slug: workspace.slug,
    name: workspace.name,
    role: workspaceRole,
    personal: workspace.personalUserId !== null,
  }));
  const keyWorkspace =
    caller.via === "api_key"
      ? (memberships.find(({ workspace }) => workspace.id === caller.workspaceId)?.workspace.slug ??
        null)
      : null;
  return Response.json({
    user: { id, email, name, role },
    authenticatedWith: caller.via,
    workspaces,
    ...(caller.via === "api_key" ? { apiKeyWorkspace: keyWorkspace } : {}),
  });
});
