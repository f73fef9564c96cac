import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { type ApiKey, apiKeys, users, workspaceMembers } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { AppUser } from "./users";

/**
 * API keys for programs calling the usage API. A key is `tg_<prefix>_<secret>`: the prefix is
 * stored in clear so people can tell their keys apart; the whole key is stored only as its
 * SHA-256 (keys are 192 random bits, so a slow hash adds nothing) and shown once, at creation.
 */
const KEY_PATTERN = /^tg_([a-z0-9]{8})_([A-Za-z0-9_-]{32})$/;

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, "Give the key a name").max(100, "Use at most 100 characters"),
});

export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(6).toString("hex").slice(0, 8);
  const secret = randomBytes(24).toString("base64url");
  return { key: `tg_${prefix}_${secret}`, prefix: `tg_${prefix}` };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** What a key's owner may see of it later: never the key or its hash. */
export type ApiKeySummary = Pick<ApiKey, "id" | "name" | "prefix" | "createdAt" | "lastUsedAt">;

const summaryColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
};

/**
 * Creates a key of a workspace for the user of a signed-in session (a member of it, checked by
 * the caller); the key acts on the workspace for as long as its creator is a member. The
 * returned `key` is the only time it is ever available. Only while `sessionVersion` (the session's) is still the user's: the user row
 * is share-locked for the insert, so a proof of the address that ends every session (and
 * revokes every key, lib/auth/email-proof.ts) either comes first and this is refused, or
 * comes after and revokes this key too. Throws AppError `unauthorized` for an ended session.
 */
export async function createApiKey(
  db: Database,
  input: { userId: string; workspaceId: string; sessionVersion: number; name: string },
): Promise<ApiKeySummary & { key: string }> {
  const { key, prefix } = generateApiKey();
  const row = await db.transaction(async (tx) => {
    const [current] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, input.userId), eq(users.sessionVersion, input.sessionVersion)))
      .for("share");
    if (!current) throw new AppError("unauthorized", "Your session has ended. Sign in again.");
    const [inserted] = await tx
      .insert(apiKeys)
      .values({
        userId: input.userId,
        workspaceId: input.workspaceId,
        name: input.name.trim(),
        prefix,
        keyHash: hashApiKey(key),
      })
      .returning(summaryColumns);
    return inserted;
  });
  if (!row) throw new Error("inserting an API key returned no row");
  return { ...row, key };
}

/** The workspace's keys that have not been revoked, newest first. */
export async function listApiKeys(db: Database, workspaceId: string): Promise<ApiKeySummary[]> {
  return db
    .select(summaryColumns)
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, workspaceId), isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/**
 * Revokes one of the workspace's keys. False when the workspace has no such working key
 * (another workspace's key id is "no such key", not an error that reveals it exists).
 * Idempotent.
 */
export async function revokeApiKey(
  db: Database,
  input: { workspaceId: string; keyId: string },
): Promise<boolean> {
  const revoked = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(apiKeys.id, input.keyId),
        eq(apiKeys.workspaceId, input.workspaceId),
        isNull(apiKeys.revokedAt),
      ),
    )
    .returning({ id: apiKeys.id });
  return revoked.length > 0;
}

/** Last-used times are written at most this often per key, to keep hot keys from writing. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Who a working key acts as: its creator, in its workspace. Null for an unknown, malformed or
 * revoked key, and for a key whose creator is no longer a member of its workspace.
 */
export async function authenticateApiKey(
  db: Database,
  key: string,
  now: Date = new Date(),
): Promise<{ user: AppUser; workspaceId: string } | null> {
  if (!looksLikeApiKey(key)) return null;
  const [row] = await db
    .select({
      keyId: apiKeys.id,
      lastUsedAt: apiKeys.lastUsedAt,
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      workspaceId: apiKeys.workspaceId,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .innerJoin(
      workspaceMembers,
      and(
        eq(workspaceMembers.workspaceId, apiKeys.workspaceId),
        eq(workspaceMembers.userId, apiKeys.userId),
      ),
    )
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.keyId));
  }
  const { keyId: _keyId, lastUsedAt: _lastUsedAt, workspaceId, ...user } = row;
  return { user, workspaceId };
}
