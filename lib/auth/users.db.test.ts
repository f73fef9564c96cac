import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { users, workspaceMembers } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { AppError } from "@/lib/errors";
import { listWorkspacesOf } from "@/lib/workspaces/workspaces";
import {
  applyAdminEmails,
  createPasswordUser,
  getUserById,
  setUserRole,
  verifyPasswordUser,
} from "./users";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

const ADMINS = ["boss@example.com"];

describe("password accounts", () => {
  it("creates a user with a lower-cased email and signs it in with the right password only", async () => {
    const user = await createPasswordUser(handle.db, {
      email: "  Ada@Example.COM ",
      password: "correct horse",
      name: "Ada",
    });
    expect(user).toMatchObject({ email: "ada@example.com", name: "Ada", role: "user" });
    expect(user).not.toHaveProperty("passwordHash");

    expect(await verifyPasswordUser(handle.db, "ADA@example.com", "correct horse")).toMatchObject({
      id: user.id,
    });
    expect(await verifyPasswordUser(handle.db, "ada@example.com", "wrong horse")).toBeNull();
    expect(await verifyPasswordUser(handle.db, "nobody@example.com", "correct horse")).toBeNull();
  });

  it("gives the new account its personal workspace, with the user as its only member and owner", async () => {
    const user = await createPasswordUser(handle.db, {
      email: "margaret@example.com",
      password: "x".repeat(8),
    });
    const memberships = await listWorkspacesOf(handle.db, user.id);
    expect(memberships).toEqual([
      { role: "owner", workspace: expect.objectContaining({ personalUserId: user.id }) },
    ]);
    const workspaceId = memberships[0]?.workspace.id ?? "";
    expect(
      await handle.db
        .select({ userId: workspaceMembers.userId })
        .from(workspaceMembers)
        .where(eq(workspaceMembers.workspaceId, workspaceId)),
    ).toEqual([{ userId: user.id }]);
  });

  it("refuses a second account for the same email, whatever its case", async () => {
    await createPasswordUser(handle.db, { email: "grace@example.com", password: "x".repeat(8) });
    const error = await createPasswordUser(handle.db, {
      email: "Grace@Example.com",
      password: "y".repeat(8),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error instanceof AppError && error.status).toBe(409);
  });

  it("does not make an email listed in ADMIN_EMAILS an admin at sign-up, nor at sign-in before the address is verified", async () => {
    const boss = await createPasswordUser(handle.db, {
      email: "Boss@example.com",
      password: "x".repeat(8),
    });
    expect(boss.role).toBe("user");
    expect(await applyAdminEmails(handle.db, boss, ADMINS)).toBe("user");
  });
});

describe("roles", () => {
  it("promotes a listed, verified email at sign-in and never demotes an unlisted admin", async () => {
    const user = await createPasswordUser(handle.db, {
      email: "linus@example.com",
      password: "x".repeat(8),
    });
    await handle.db.update(users).set({ emailVerified: new Date() }).where(eq(users.id, user.id));
    expect(await applyAdminEmails(handle.db, user, [])).toBe("user");
    expect(await applyAdminEmails(handle.db, user, ["linus@example.com"])).toBe("admin");
    expect((await getUserById(handle.db, user.id))?.role).toBe("admin");
    expect(await applyAdminEmails(handle.db, user, [])).toBe("admin");
  });

  it("promotes and demotes by id, and reports an unknown id", async () => {
    const user = await createPasswordUser(handle.db, {
      email: "ken@example.com",
      password: "x".repeat(8),
    });
    expect((await setUserRole(handle.db, { userId: user.id, role: "admin" })).role).toBe("admin");
    expect((await setUserRole(handle.db, { userId: user.id, role: "user" })).role).toBe("user");
    const error = await setUserRole(handle.db, { userId: "no-such-user", role: "admin" }).catch(
      (e: unknown) => e,
    );
    expect(error instanceof AppError && error.code).toBe("not_found");
  });
});

describe("setUserRole with an actor", () => {
  it("refuses an admin their own role and a non-admin anyone's, changing nothing", async () => {
    const make = (email: string) =>
      createPasswordUser(handle.db, { email, password: "x".repeat(8) });
    const admin = await setUserRole(handle.db, {
      userId: (await make("role-actor-admin@example.com")).id,
      role: "admin",
    });
    const member = await make("role-actor-member@example.com");
    const codeOf = (run: Promise<unknown>) =>
      run.then(
        () => "changed",
        (e: unknown) => (e instanceof AppError ? e.code : "not an AppError"),
      );

    expect(
      await codeOf(setUserRole(handle.db, { userId: admin.id, role: "user", actor: admin })),
    ).toBe("conflict");
    expect(
      await codeOf(setUserRole(handle.db, { userId: admin.id, role: "user", actor: member })),
    ).toBe("forbidden");
    expect((await getUserById(handle.db, admin.id))?.role).toBe("admin");

    const promoted = await setUserRole(handle.db, {
      userId: member.id,
      role: "admin",
      actor: admin,
    });
    expect(promoted.role).toBe("admin");
  });
});
