import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { apiKeys, users, workspaceMembers } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createWorkspace, ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import {
  authenticateApiKey,
  createApiKey,
  generateApiKey,
  hashApiKey,
  listApiKeys,
  looksLikeApiKey,
  revokeApiKey,
} from "./api-keys";
import { createPasswordUser } from "./users";

let handle: DatabaseHandle;
/** A user and the personal workspace sign-up made them. */
interface Member {
  id: string;
  workspaceId: string;
}
let alice: Member;
let bob: Member;

async function signUp(email: string): Promise<Member> {
  const user = await createPasswordUser(handle.db, { email, password: "x".repeat(8) });
  return { id: user.id, workspaceId: (await ensurePersonalWorkspace(handle.db, user.id)).id };
}

beforeAll(async () => {
  handle = await createTestDatabase();
  alice = await signUp("alice@example.com");
  bob = await signUp("bob@example.com");
});
afterAll(async () => {
  await handle.close();
});

describe("key format and hashing", () => {
  it("makes distinct keys with a visible prefix that the key starts with", () => {
    const keys = Array.from({ length: 50 }, generateApiKey);
    expect(new Set(keys.map((k) => k.key)).size).toBe(50);
    for (const { key, prefix } of keys) {
      expect(looksLikeApiKey(key)).toBe(true);
      expect(key.startsWith(`${prefix}_`)).toBe(true);
    }
  });

  it("hashes deterministically and differently per key", () => {
    const { key } = generateApiKey();
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    const lastChanged = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
    expect(hashApiKey(key)).not.toBe(hashApiKey(lastChanged));
  });
});

describe("API keys", () => {
  /** A key Alice makes for `workspaceId` (her personal workspace unless named). */
  const aliceKey = (name: string, workspaceId = alice.workspaceId) =>
    createApiKey(handle.db, { userId: alice.id, workspaceId, sessionVersion: 0, name });

  it("stores only the hash and the prefix, never the key", async () => {
    const created = await aliceKey(" CI ");
    expect(created.name).toBe("CI");
    const [row] = await handle.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row?.keyHash).toBe(hashApiKey(created.key));
    expect(Object.values(row ?? {})).not.toContain(created.key);
    expect(created.key.startsWith(row?.prefix ?? "?")).toBe(true);
  });

  it("authenticates its creator in its workspace and records when it was last used", async () => {
    const { key, id } = await aliceKey("script");
    const now = new Date("2026-11-24T10:00:00Z");
    expect(await authenticateApiKey(handle.db, key, now)).toMatchObject({
      user: { id: alice.id, email: "alice@example.com" },
      workspaceId: alice.workspaceId,
    });
    const listed = (await listApiKeys(handle.db, alice.workspaceId)).find((k) => k.id === id);
    expect(listed?.lastUsedAt?.toISOString()).toBe(now.toISOString());
  });

  it("refuses unknown, malformed and revoked keys", async () => {
    const { key, id } = await aliceKey("old");
    expect(await authenticateApiKey(handle.db, generateApiKey().key)).toBeNull();
    expect(await authenticateApiKey(handle.db, "not-a-key")).toBeNull();
    expect(await revokeApiKey(handle.db, { workspaceId: alice.workspaceId, keyId: id })).toBe(true);
    expect(await authenticateApiKey(handle.db, key)).toBeNull();
    expect((await listApiKeys(handle.db, alice.workspaceId)).map((k) => k.id)).not.toContain(id);
    expect(await revokeApiKey(handle.db, { workspaceId: alice.workspaceId, keyId: id })).toBe(
      false,
    );
  });

  it("lets no other workspace list or revoke a workspace's key", async () => {
    const { key, id } = await aliceKey("mine");
    expect((await listApiKeys(handle.db, bob.workspaceId)).map((k) => k.id)).not.toContain(id);
    expect(await revokeApiKey(handle.db, { workspaceId: bob.workspaceId, keyId: id })).toBe(false);
    expect(await authenticateApiKey(handle.db, key)).toMatchObject({
      user: { id: alice.id },
      workspaceId: alice.workspaceId,
    });
  });

  it("acts on the team workspace it was made for, listed with the team's keys, not its creator's own", async () => {
    const team = await createWorkspace(handle.db, { userId: alice.id, name: "Key Team" });
    const { key, id } = await aliceKey("team", team.id);
    expect(await authenticateApiKey(handle.db, key)).toMatchObject({
      user: { id: alice.id },
      workspaceId: team.id,
    });
    expect((await listApiKeys(handle.db, team.id)).map((k) => k.id)).toEqual([id]);
    expect((await listApiKeys(handle.db, alice.workspaceId)).map((k) => k.id)).not.toContain(id);
  });

  it("works only while its creator is a member of its workspace", async () => {
    const team = await createWorkspace(handle.db, { userId: bob.id, name: "Leavers" });
    await handle.db
      .insert(workspaceMembers)
      .values({ workspaceId: team.id, userId: alice.id, role: "admin" });
    const { key, id } = await aliceKey("leaves with her", team.id);
    expect(await authenticateApiKey(handle.db, key)).toMatchObject({ workspaceId: team.id });

    await handle.db
      .delete(workspaceMembers)
      .where(and(eq(workspaceMembers.workspaceId, team.id), eq(workspaceMembers.userId, alice.id)));
    expect(await authenticateApiKey(handle.db, key)).toBeNull();
    // Her keys elsewhere still work.
    const own = await aliceKey("still mine");
    expect(await authenticateApiKey(handle.db, own.key)).toMatchObject({
      workspaceId: alice.workspaceId,
    });
    // The team still sees the key, and can revoke it.
    expect(await revokeApiKey(handle.db, { workspaceId: team.id, keyId: id })).toBe(true);
  });

  it("is refused to a session whose version is no longer the user's, and no key is made", async () => {
    const carol = await signUp("carol@example.com");
    // Every session of Carol's ends (as a proof of her address or a password change does).
    await handle.db.update(users).set({ sessionVersion: 1 }).where(eq(users.id, carol.id));

    const create = (sessionVersion: number, name: string) =>
      createApiKey(handle.db, {
        userId: carol.id,
        workspaceId: carol.workspaceId,
        sessionVersion,
        name,
      });
    await expect(create(0, "late")).rejects.toMatchObject({ code: "unauthorized" });
    expect(await listApiKeys(handle.db, carol.workspaceId)).toEqual([]);
    const made = await create(1, "now");
    expect(made.name).toBe("now");
  });
});
