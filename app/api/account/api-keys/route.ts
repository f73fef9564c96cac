// GET /api/account/api-keys — the caller's working keys (never the secrets).
// POST /api/account/api-keys {name} — a new key; the secret is in this response only.
import { getDb } from "@/db";
import { createApiKey, createApiKeySchema, listApiKeys } from "@/lib/auth/api-keys";
import { readJson } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { RATE_LIMITS } from "@/lib/rate-limit";

export const GET = route("user", async ({ caller }) => {
  const keys = await listApiKeys(await getDb(), caller.user.id);
  return Response.json({ data: keys });
});

export const POST = route(
  "user",
  async ({ request, caller }) => {
    const { name } = await readJson(request, createApiKeySchema);
    const apiKey = await createApiKey(await getDb(), {
      userId: caller.user.id,
      sessionVersion: caller.sessionVersion,
      name,
    });
    return Response.json({ apiKey }, { status: 201, headers: { "Cache-Control": "no-store" } });
  },
  { rateLimit: RATE_LIMITS.apiKeyCreate },
);
