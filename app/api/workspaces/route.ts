// GET /api/workspaces — the caller's workspaces with their role in each, personal first.
// POST /api/workspaces {name, slug?} — a new team workspace owned by the caller (201); the slug
// is made from the name when left out; 409 when it is taken.
import { z } from "zod";
import { getDb } from "@/db";
import { readJson } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { workspaceJson } from "@/lib/workspaces/api";
import { createWorkspace, listWorkspacesOf } from "@/lib/workspaces/workspaces";

export const GET = route("user", async ({ caller }) => {
  const memberships = await listWorkspacesOf(await getDb(), caller.user.id);
  return Response.json({ data: memberships.map(workspaceJson) });
});

const createSchema = z.object({ name: z.string(), slug: z.string().optional() });

export const POST = route(
  "user",
  async ({ request, caller }) => {
    const input = await readJson(request, createSchema);
    const workspace = await createWorkspace(await getDb(), { userId: caller.user.id, ...input });
    return Response.json(
      { workspace: workspaceJson({ workspace, role: "owner" }) },
      { status: 201 },
    );
  },
  { rateLimit: RATE_LIMITS.workspaceCreate },
);
