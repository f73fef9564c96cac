import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { apiKeys, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
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
let alice: { id: string };
let bob: { id: string };
beforeAll(async () => {
  handle = await createTestDatabase();
  alice = await createPasswordUser(handle.db, {
    email: "alice@example.com",
    password: "x".repeat(8),
  });
  bob = await createPasswordUser(handle.db, { email: "bob@example.com", password: "x".repeat(8) });
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
  it("stores only the hash and the prefix, never the key", async () => {
    const created = await createApiKey(handle.db, {
      userId: alice.id,
      sessionVersion: 0,
      name: " CI ",
    });
    expect(created.name).toBe("CI");
    const [row] = await handle.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row?.keyHash).toBe(hashApiKey(created.key));
    expect(Object.values(row ?? {})).not.toContain(created.key);
    expect(created.key.startsWith(row?.prefix ?? "?")).toBe(true);
  });

  it("authenticates its owner and records when it was last used", async () => {
    const { key, id } = await createApiKey(handle.db, {
      userId: alice.id,
      sessionVersion: 0,
      name: "script",
    });
    const now = new Date("2026-11-24T10:00:00Z");
    expect(await authenticateApiKey(handle.db, key, now)).toMatchObject({
      id: alice.id,
      email: "alice@example.com",
    });
    const listed = (await listApiKeys(handle.db, alice.id)).find((k) => k.id === id);
    expect(listed?.lastUsedAt?.toISOString()).toBe(now.toISOString());
  });

  it("refuses unknown, malformed and revoked keys", async () => {
    const { key, id } = await createApiKey(handle.db, {
      userId: alice.id,
      sessionVersion: 0,
      name: "old",
    });
    expect(await authenticateApiKey(handle.db, generateApiKey().key)).toBeNull();
    expect(await authenticateApiKey(handle.db, "not-a-key")).toBeNull();
    expect(await revokeApiKey(handle.db, { userId: alice.id, keyId: id })).toBe(true);
    expect(await authenticateApiKey(handle.db, key)).toBeNull();
    expect((await listApiKeys(handle.db, alice.id)).map((k) => k.id)).not.toContain(id);
    expect(await revokeApiKey(handle.db, { userId: alice.id, keyId: id })).toBe(false);
  });

  it("lets nobody list or revoke another user's key", async () => {
    const { key, id } = await createApiKey(handle.db, {
      userId: alice.id,
      sessionVersion: 0,
      name: "mine",
    });
    expect((await listApiKeys(handle.db, bob.id)).map((k) => k.id)).not.toContain(id);
    expect(await revokeApiKey(handle.db, { userId: bob.id, keyId: id })).toBe(false);
    expect(await authenticateApiKey(handle.db, key)).toMatchObject({ id: alice.id });
  });

  it("is refused to a session whose version is no longer the user's, and no key is made", async () => {
    const carol = await createPasswordUser(handle.db, {
      email: "carol@example.com",
      password: "x".repeat(8),
    });
    // Every session of Carol's ends (as a proof of her address or a password change does).
    await handle.db.update(users).set({ sessionVersion: 1 }).where(eq(users.id, carol.id));

    await expect(
      createApiKey(handle.db, { userId: carol.id, sessionVersion: 0, name: "late" }),
    ).rejects.toMatchObject({ code: "unauthorized" });
    expect(await listApiKeys(handle.db, carol.id)).toEqual([]);
    const made = await createApiKey(handle.db, {
      userId: carol.id,
      sessionVersion: 1,
      name: "now",
    });
    expect(made.name).toBe("now");
  });
});
