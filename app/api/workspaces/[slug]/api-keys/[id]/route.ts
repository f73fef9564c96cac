// DELETE /api/workspaces/:slug/api-keys/:id — revoke one of the workspace's keys (204; 404 for
// a key the workspace does not have). Any member.

import { z } from "zod";
import { getDb } from "@/db";
import { revokeApiKey } from "@/lib/auth/api-keys";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { authorizeWorkspace, NEEDS } from "@/lib/workspaces/access";

export const DELETE = route<"user", { slug: string; id: string }>(
  "user",
  async ({ caller, params }) => {
    const db = await getDb();
    const { workspace } = await authorizeWorkspace(db, {
      userId: caller.user.id,
      slug: params.slug,
      need: NEEDS.apiKeys,
    });
    const keyId = z.uuid().safeParse(params.id);
    const revoked =
      keyId.success && (await revokeApiKey(db, { workspaceId: workspace.id, keyId: keyId.data }));
    if (!revoked) throw new AppError("not_found", "No such API key.");
    return new Response(null, { status: 204 });
  },
);
