import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../lib/auth/password";
import type { DatabaseHandle } from "./index";
import { users } from "./schema";
import { SEED_ADMIN_EMAIL, SEED_USER_EMAILS, seed } from "./seed";
import { createTestDatabase } from "./testing";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

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

  it("changes nothing when run again", async () => {
    const before = await handle.db.select().from(users).orderBy(users.email);
    const result = await seed(handle.db, { password: "another-password" });
    expect(result.created).toEqual([]);
    expect(await handle.db.select().from(users).orderBy(users.email)).toEqual(before);
  });

  it("makes users listed as admins admins", async () => {
    const email = SEED_USER_EMAILS[0];
    await seed(handle.db, { password: "x", adminEmails: [email] });
    const rows = await handle.db.select().from(users);
    expect(rows.find((row) => row.email === email)?.role).toBe("admin");
  });
});
