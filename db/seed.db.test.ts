import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../lib/auth/password";
import type { DatabaseHandle } from "./index";
import { users, workspaceMembers, workspaces } from "./schema";
import { SEED_ADMIN_EMAIL, SEED_USER_EMAILS, seed } from "./seed";
import { createTestDatabase } from "./testing";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

/** Every membership, as `email role personal?`, sorted. */
async function memberships(): Promise<string[]> {
  const rows = await handle.db
    .select({
      email: users.email,
      role: workspaceMembers.role,
      personalUserId: workspaces.personalUserId,
      userId: users.id,
    })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId));
  return rows
    .map((row) => `${row.email} ${row.role} ${row.personalUserId === row.userId ? "personal" : ""}`)
    .sort();
}

describe("seed", () => {
  it("creates an admin and demo users who can sign in with the seed password", async () => {
    const result = await seed(handle.db, { password: "demo-password" });
    expect(result.created.sort()).toEqual([SEED_ADMIN_EMAIL, ...SEED_USER_EMAILS].sort());

    const rows = await handle.db.select().from(users);
    const admin = rows.find((row) => row.email === SEED_ADMIN_EMAIL);
    expect(admin?.role).toBe("admin");
    expect(rows.filter((row) => row.role === "user")).toHaveLength(SEED_USER_EMAILS.length);
    expect(await verifyPassword("demo-password", admin?.passwordHash ?? "")).toBe(true);
  });

  it("gives every seeded user the personal workspace sign-up gives, owned by them", async () => {
    expect(await memberships()).toEqual(
      [SEED_ADMIN_EMAIL, ...SEED_USER_EMAILS].map((email) => `${email} owner personal`).sort(),
    );
  });

  it("changes nothing when run again", async () => {
    const before = await handle.db.select().from(users).orderBy(users.email);
    const result = await seed(handle.db, { password: "another-password" });
    expect(result.created).toEqual([]);
    expect(await handle.db.select().from(users).orderBy(users.email)).toEqual(before);
    expect(await handle.db.$count(workspaces)).toBe(1 + SEED_USER_EMAILS.length);
  });

  it("gives a seeded user who lost their personal workspace a new one", async () => {
    const [admin] = await handle.db.select().from(users).where(eq(users.email, SEED_ADMIN_EMAIL));
    await handle.db.delete(workspaces).where(eq(workspaces.personalUserId, admin?.id ?? ""));
    await seed(handle.db, { password: "x" });
    expect(await memberships()).toContain(`${SEED_ADMIN_EMAIL} owner personal`);
  });

  it("makes users listed as admins admins", async () => {
    const email = SEED_USER_EMAILS[0];
    await seed(handle.db, { password: "x", adminEmails: [email] });
    const rows = await handle.db.select().from(users);
    expect(rows.find((row) => row.email === email)?.role).toBe("admin");
  });
});
