// GET /api/workspaces/:slug/api-keys — the workspace's working keys (never the secrets).
// POST /api/workspaces/:slug/api-keys {name} — a new key of the workspace, acting as the caller
// while they are a member of it; the secret is in this response only. Any member.
import { createApiKey, createApiKeySchema, listApiKeys } from "@/lib/auth/api-keys";
import { readJson } from "@/lib/http/request";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { NEEDS } from "@/lib/workspaces/access";
import { workspaceRoute } from "../workspace-route";

export const GET = workspaceRoute<{ slug: string }>(NEEDS.apiKeys, async ({ db, workspace }) => {
  const keys = await listApiKeys(db, workspace.id);
  return Response.json({ data: keys }, { headers: { "Cache-Control": "no-store" } });
});

export const POST = workspaceRoute<{ slug: string }>(
  NEEDS.apiKeys,
  async ({ request, caller, db, workspace }) => {
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
