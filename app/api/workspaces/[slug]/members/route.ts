// GET /api/workspaces/:slug/members — the members with their roles (any member may list).
import { getDb } from "@/db";
import { route } from "@/lib/http/route";
import { NEEDS } from "@/lib/workspaces/access";
import { authorizeCaller } from "@/lib/workspaces/api";
import { listMembers } from "@/lib/workspaces/members";

export const GET = route<"user", { slug: string }>("user", async ({ caller, params }) => {
  const { workspace } = await authorizeCaller(caller, params.slug, NEEDS.use);
  return Response.json({ data: await listMembers(await getDb(), workspace.id) });
});
