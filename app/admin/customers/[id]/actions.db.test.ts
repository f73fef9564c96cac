import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type DatabaseHandle, provideDatabase } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { type AppUser, createPasswordUser, getUserById, setUserRole } from "@/lib/auth/users";
import { IDLE } from "@/lib/form-state";
import { testForm } from "@/lib/testing/http";

// Who is signed in and Next's cache are request-scoped in Next; here they are stand-ins.
const requireAdminSession = vi.hoisted(() => vi.fn());
const revalidatePath = vi.hoisted(() => vi.fn());
vi.mock("@/lib/auth/session", () => ({ requireAdminSession }));
vi.mock("next/cache", () => ({ revalidatePath }));

const { changeRoleAction } = await import("./actions");

let handle: DatabaseHandle;
let admin: AppUser;
let member: AppUser;
beforeAll(async () => {
  handle = await createTestDatabase();
  provideDatabase(handle);
  const make = (email: string) =>
    createPasswordUser(handle.db, { email, password: "password-123" });
  admin = await setUserRole(handle.db, {
    userId: (await make("root@example.com")).id,
    role: "admin",
  });
  member = await make("member@example.com");
});
afterAll(async () => {
  await handle.close();
});
beforeEach(() => {
  requireAdminSession.mockReset().mockResolvedValue({ user: admin, sessionVersion: 0 });
  revalidatePath.mockReset();
});

describe("changeRoleAction", () => {
  it("promotes a user for an admin and says so", async () => {
    expect(await changeRoleAction(IDLE, testForm({ userId: member.id, role: "admin" }))).toEqual({
      status: "success",
      message: "member@example.com is now an admin.",
    });
    expect(requireAdminSession).toHaveBeenCalledWith(`/admin/customers/${member.id}`);
    expect(revalidatePath).toHaveBeenCalledWith("/admin/customers");
  });

  it("comes back to the workspace page the form was on", async () => {
    const workspaceId = "0b9e4f4e-5d52-4c1e-9d7b-3f1f6a0f8c21";
    expect(
      await changeRoleAction(IDLE, testForm({ userId: member.id, workspaceId, role: "user" })),
    ).toEqual({ status: "success", message: "member@example.com is no longer an admin." });
    expect(requireAdminSession).toHaveBeenCalledWith(`/admin/customers/${workspaceId}`);
    expect(revalidatePath).toHaveBeenCalledWith(`/admin/customers/${workspaceId}`);
    expect(
      await changeRoleAction(IDLE, testForm({ userId: member.id, workspaceId: "x", role: "user" })),
    ).toEqual({ status: "error", message: "Choose a role for a user." });
  });

  it("refuses the acting admin's own role, changing nothing", async () => {
    expect(await changeRoleAction(IDLE, testForm({ userId: admin.id, role: "user" }))).toEqual({
      status: "error",
      message: "You cannot change your own role.",
    });
    expect((await getUserById(handle.db, admin.id))?.role).toBe("admin");
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  it("asks for a role when the form names none, and says when the user is unknown", async () => {
    expect(await changeRoleAction(IDLE, testForm({ userId: member.id, role: "owner" }))).toEqual({
      status: "error",
      message: "Choose a role for a user.",
    });
    expect(await changeRoleAction(IDLE, testForm({ userId: "nobody", role: "user" }))).toEqual({
      status: "error",
      message: "No such user.",
    });
  });
});
