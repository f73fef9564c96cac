import "server-only";
import { and, eq, sql } from "drizzle-orm";
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

const SESSION_ENDED = "Your session has ended. Sign in again.";

/**
 * Sets the password of a signed-in session's user: a first one when the account has none
 * (OAuth, sign-in links, or a password cleared when someone else's was found set before the
 * address was proven), or a new one when the current password is given. Rate-limited per user,
 * since each call checks a password.
 *
 * Changing a password ends every other session of the user: the session version goes up, and
 * the returned `sessionVersion` is the one the caller's own session must carry from now on
 * (setting a first password ends nothing and returns the session's). The write happens only
 * if, since the row was read, neither the session version (a proof of the address that ended
 * every session, lib/auth/email-proof.ts) nor the password changed.
 *
 * Throws a ZodError for invalid input, AppError `rate_limited`, `validation_failed` (the current
 * password is missing or wrong), `unauthorized` (the session has ended) or `conflict` (the
 * account changed meanwhile).
 */
export async function setPassword(
  db: Database,
  session: { userId: string; sessionVersion: number },
  input: unknown,
): Promise<{ sessionVersion: number }> {
  await enforceRateLimit(db, RATE_LIMITS.passwordChange, session.userId);
  const data = setPasswordSchema.parse(input);
  const [row] = await db
    .select({ passwordHash: users.passwordHash, sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.id, session.userId))
    .limit(1);
  if (!row || row.sessionVersion !== session.sessionVersion) {
    throw new AppError("unauthorized", SESSION_ENDED);
  }
  if (row.passwordHash !== null) {
    const current = data.currentPassword ?? "";
    if (!(await verifyPassword(current, row.passwordHash))) {
      const message = current ? "The current password is wrong" : "Enter your current password";
      throw new AppError("validation_failed", `${message}.`, {
        details: { fields: [{ path: "currentPassword", message }] },
      });
    }
  }
  const passwordHash = await hashPassword(data.newPassword);
  const [updated] = await db
    .update(users)
    .set({
      passwordHash,
      ...(row.passwordHash !== null ? { sessionVersion: sql`${users.sessionVersion} + 1` } : {}),
    })
    .where(
      and(
        eq(users.id, session.userId),
        eq(users.sessionVersion, session.sessionVersion),
        sql`${users.passwordHash} is not distinct from ${row.passwordHash}`,
      ),
    )
    .returning({ sessionVersion: users.sessionVersion });
  if (!updated) {
    throw new AppError(
      "conflict",
      "Your account changed while the password was being saved. Reload the page and try again.",
    );
  }
  return { sessionVersion: updated.sessionVersion };
}
