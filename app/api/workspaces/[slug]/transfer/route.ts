// POST /api/workspaces/:slug/transfer {userId} — the owner hands ownership to another member,
// who becomes an owner; the caller becomes an admin.
import { z } from "zod";
import { getDb } from "@/db";
import { readJson } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { NEEDS } from "@/lib/workspaces/access";
import { authorizeCaller } from "@/lib/workspaces/api";
import { listMembers, transferOwnership } from "@/lib/workspaces/members";

const transferSchema = z.object({ userId: z.string().min(1, "Name the member by their id") });

export const POST = route<"user", { slug: string }>("user", async ({ request, caller, params }) => {
  const { workspace } = await authorizeCaller(caller, params.slug, NEEDS.transfer);
  const { userId } = await readJson(request, transferSchema);
  const db = await getDb();
  await transferOwnership(db, { workspaceId: workspace.id, actorId: caller.user.id, userId });
  return Response.json({ data: await listMembers(db, workspace.id) });
});
