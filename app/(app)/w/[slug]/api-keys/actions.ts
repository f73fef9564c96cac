"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { createApiKey, createApiKeySchema, revokeApiKey } from "@/lib/auth/api-keys";
import { action, formAction } from "@/lib/http/action";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { NEEDS } from "@/lib/workspaces/access";
import { authorizeWorkspaceForm, workspaceReturnTo } from "../workspace-form";

const returnTo = workspaceReturnTo("api-keys");

/**
 * Creates a key of the form's workspace, acting as the person while they are a member of it;
 * the secret comes back in `values.key`, shown once and never again.
 */
export const createApiKeyAction = action(
  {
    access: "user",
    returnTo,
    schema: createApiKeySchema,
    rateLimit: RATE_LIMITS.apiKeyCreate,
  },
  async ({ name }, { user, sessionVersion, formData }) => {
    const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.apiKeys);
    const created = await createApiKey(await getDb(), {
      userId: user.id,
      workspaceId: workspace.id,
      sessionVersion,
      name,
    });
    revalidatePath(`/w/${workspace.slug}/api-keys`);
    return { status: "success", values: { key: created.key, name: created.name } };
  },
);

/** A button beside each key; only the workspace's own keys match, anything else changes nothing. */
export const revokeApiKeyAction = formAction(
  { access: "user", returnTo, schema: z.object({ keyId: z.string() }) },
  async ({ keyId }, { user, formData }) => {
    const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.apiKeys);
    if (/^[0-9a-f-]{36}$/i.test(keyId)) {
      await revokeApiKey(await getDb(), { workspaceId: workspace.id, keyId });
    }
    revalidatePath(`/w/${workspace.slug}/api-keys`);
  },
);
