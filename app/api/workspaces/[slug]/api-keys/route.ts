// GET /api/workspaces/:slug/api-keys — the workspace's working keys (never the secrets).
// POST /api/workspaces/:slug/api-keys {name} — a new key of the workspace, acting as the caller
// while they are a member of it; the secret is in this response only. Any member.
import { getDb } from "@/db";
import { createApiKey, createApiKeySchema, listApiKeys } from "@/lib/auth/api-keys";
import { readJson } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { authorizeWorkspace, NEEDS } from "@/lib/workspaces/access";

export const GET = route<"user", { slug: string }>("user", async ({ caller, params }) => {
  const db = await getDb();
  const { workspace } = await authorizeWorkspace(db, {
    userId: caller.user.id,
    slug: params.slug,
    need: NEEDS.apiKeys,
  });
  const keys = await listApiKeys(db, workspace.id);
  return Response.json({ data: keys }, { headers: { "Cache-Control": "no-store" } });
});

export const POST = route<"user", { slug: string }>(
  "user",
  async ({ request, caller, params }) => {
    const db = await getDb();
    const { workspace } = await authorizeWorkspace(db, {
      userId: caller.user.id,
      slug: params.slug,
      need: NEEDS.apiKeys,
    });
    const { name } = await readJson(request, createApiKeySchema);
    const apiKey = await createApiKey(db, {
      userId: caller.user.id,
      workspaceId: workspace.id,
      sessionVersion: caller.sessionVersion,
      name,
    });
    return Response.json({ apiKey }, { status: 201, headers: { "Cache-Control": "no-store" } });
  },
  { rateLimit: RATE_LIMITS.apiKeyCreate },
);
