"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { createApiKey, createApiKeySchema, revokeApiKey } from "@/lib/auth/api-keys";
import { requireSession, requireUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { type FormState, fieldErrorsOf, formText } from "@/lib/form-state";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";

const PAGE = "/account/api-keys";

/** Creates a key; the secret comes back in `values.key`, shown once and never again. */
export async function createApiKeyAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const { user, sessionVersion } = await requireSession(PAGE);
  const parsed = createApiKeySchema.safeParse({ name: formText(formData, "name") });
  if (!parsed.success) {
    return { status: "error", fieldErrors: fieldErrorsOf(parsed.error) };
  }
  const db = await getDb();
  let created: Awaited<ReturnType<typeof createApiKey>>;
  try {
    await enforceRateLimit(db, RATE_LIMITS.apiKeyCreate, user.id);
    created = await createApiKey(db, { userId: user.id, sessionVersion, name: parsed.data.name });
  } catch (error) {
    if (error instanceof AppError) return { status: "error", message: error.message };
    throw error;
  }
  revalidatePath(PAGE);
  return { status: "success", values: { key: created.key, name: created.name } };
}

export async function revokeApiKeyAction(formData: FormData): Promise<void> {
  const user = await requireUser(PAGE);
  const keyId = formText(formData, "keyId");
  // Only the user's own keys match; anything else changes nothing.
  if (/^[0-9a-f-]{36}$/i.test(keyId)) {
    await revokeApiKey(await getDb(), { userId: user.id, keyId });
  }
  revalidatePath(PAGE);
}
