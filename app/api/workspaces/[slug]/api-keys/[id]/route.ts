// DELETE /api/workspaces/:slug/api-keys/:id — revoke one of the workspace's keys (204; 404 for
// a key the workspace does not have). Any member.

import { z } from "zod";
import { revokeApiKey } from "@/lib/auth/api-keys";
import { AppError } from "@/lib/errors";
import { NEEDS } from "@/lib/workspaces/access";
import { workspaceRoute } from "../../workspace-route";

export const DELETE = workspaceRoute<{ slug: string; id: string }>(
  NEEDS.apiKeys,
  async ({ params, db, workspace }) => {
    const keyId = z.uuid().safeParse(params.id);
    const revoked =
      keyId.success && (await revokeApiKey(db, { workspaceId: workspace.id, keyId: keyId.data }));
    if (!revoked) throw new AppError("not_found", "No such API key.");
    return new Response(null, { status: 204 });
  },
);
