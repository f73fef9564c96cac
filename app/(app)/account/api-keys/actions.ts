"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { createApiKey, createApiKeySchema, revokeApiKey } from "@/lib/auth/api-keys";
import { action, formAction } from "@/lib/http/action";
import { RATE_LIMITS } from "@/lib/rate-limit";

const PAGE = "/account/api-keys";

/** Creates a key; the secret comes back in `values.key`, shown once and never again. */
export const createApiKeyAction = action(
  {
    access: "user",
    returnTo: PAGE,
    schema: createApiKeySchema,
    rateLimit: RATE_LIMITS.apiKeyCreate,
  },
  async ({ name }, { user, sessionVersion }) => {
    const created = await createApiKey(await getDb(), { userId: user.id, sessionVersion, name });
    revalidatePath(PAGE);
    return { status: "success", values: { key: created.key, name: created.name } };
  },
);

/** A button beside each key; only the user's own keys match, anything else changes nothing. */
export const revokeApiKeyAction = formAction(
  { access: "user", returnTo: PAGE, schema: z.object({ keyId: z.string() }) },
  async ({ keyId }, { user }) => {
    if (/^[0-9a-f-]{36}$/i.test(keyId)) {
      await revokeApiKey(await getDb(), { userId: user.id, keyId });
    }
    revalidatePath(PAGE);
  },
);
