"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { USER_ROLES } from "@/db/schema";
import { requireAdmin } from "@/lib/auth/session";
import { setUserRole } from "@/lib/auth/users";
import { AppError } from "@/lib/errors";
import { type FormState, formText } from "@/lib/form-state";
import { log } from "@/lib/log";

const roleChangeSchema = z.object({
  userId: z.string().min(1).max(128),
  role: z.enum(USER_ROLES),
});

/**
 * Promotes or demotes a user, as PUT /api/admin/users/:id/role does: admins only, and never
 * the acting admin themselves (so nobody locks themselves, perhaps the last admin, out).
 * Setting the role a user already has succeeds and changes nothing.
 */
export async function changeRoleAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const userId = formText(formData, "userId");
  const admin = await requireAdmin(`/admin/customers/${encodeURIComponent(userId)}`);
  const parsed = roleChangeSchema.safeParse({ userId, role: formText(formData, "role") });
  if (!parsed.success) return { status: "error", message: "Choose a role for a user." };
  if (parsed.data.userId === admin.id) {
    return { status: "error", message: "You cannot change your own role." };
  }

  let user: Awaited<ReturnType<typeof setUserRole>>;
  try {
    user = await setUserRole(await getDb(), parsed.data);
  } catch (error) {
    if (error instanceof AppError) return { status: "error", message: error.message };
    throw error;
  }
  log.info({ actorId: admin.id, userId: user.id, role: user.role }, "user role changed");
  revalidatePath(`/admin/customers/${user.id}`);
  revalidatePath("/admin/customers");
  const who = user.email ?? user.name ?? "The user";
  return {
    status: "success",
    message: user.role === "admin" ? `${who} is now an admin.` : `${who} is no longer an admin.`,
  };
}
