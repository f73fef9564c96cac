import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { hashPassword, verifyPassword } from "./password";
import { PASSWORD_MIN_LENGTH } from "./sign-up";

export const setPasswordSchema = z.object({
  /** Required when the account has a password already. */
  currentPassword: z.string().max(1024, "Use at most 1024 characters").optional(),
  newPassword: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(1024, "Use at most 1024 characters"),
});

/**
 * Sets the signed-in user's password: a first one when the account has none (OAuth, sign-in
 * links, or a password cleared when someone else's was found set before the address was
 * proven), or a new one when the current password is given. Rate-limited per user, since
 * each call checks a password. Throws a ZodError for invalid input, AppError `rate_limited`,
 * `validation_failed` (the current password is missing or wrong) or `not_found`.
 */
export async function setPassword(db: Database, userId: string, input: unknown): Promise<void> {
  await enforceRateLimit(db, RATE_LIMITS.passwordChange, userId);
  const data = setPasswordSchema.parse(input);
  const [row] = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!row) throw new AppError("not_found", "No such user.");
  if (row.passwordHash !== null) {
    const current = data.currentPassword ?? "";
    if (!(await verifyPassword(current, row.passwordHash))) {
      const message = current ? "The current password is wrong" : "Enter your current password";
      throw new AppError("validation_failed", `${message}.`, {
        details: { fields: [{ path: "currentPassword", message }] },
      });
    }
  }
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(data.newPassword) })
    .where(eq(users.id, userId));
}
