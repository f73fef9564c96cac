// DELETE /api/account/api-keys/:id — revoke one of the caller's keys.

import { z } from "zod";
import { getDb } from "@/db";
import { revokeApiKey } from "@/lib/auth/api-keys";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";

export const DELETE = route<"user", { id: string }>("user", async ({ caller, params }) => {
  const keyId = z.uuid().safeParse(params.id);
  const revoked =
    keyId.success &&
    (await revokeApiKey(await getDb(), { userId: caller.user.id, keyId: keyId.data }));
  if (!revoked) throw new AppError("not_found", "No such API key.");
  return new Response(null, { status: 204 });
});
