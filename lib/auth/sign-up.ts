import "server-only";
import { z } from "zod";
import type { Database } from "@/db";
import { log } from "@/lib/log";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { sendVerificationEmail } from "./send-verification-email";
import { type AppUser, createPasswordUser } from "./users";

export const PASSWORD_MIN_LENGTH = 8;

export const signUpSchema = z.object({
  name: z.string().trim().max(100, "Use at most 100 characters").optional(),
  email: z.email("Enter a valid email address").max(320, "Use at most 320 characters"),
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(1024, "Use at most 1024 characters"),
});

export type SignUpInput = z.input<typeof signUpSchema>;

/**
 * Creates an email + password account, unverified (so never admin yet), and mails it a
 * verification link. Rate-limited per address before anything else, so failed and invalid
 * attempts count too. A link that cannot be mailed does not undo the account: the account
 * page offers to send another. The link leads to `context.returnTo` once verified (where the
 * person was going when they signed up, such as an invitation). Throws AppError (`rate_limited`, `conflict`) or a ZodError for
 * invalid input.
 */
export async function signUp(
  db: Database,
  input: unknown,
  context: { ip: string; returnTo?: string },
): Promise<AppUser> {
  await enforceRateLimit(db, RATE_LIMITS.signUpByIp, context.ip);
  const data = signUpSchema.parse(input);
  const user = await createPasswordUser(db, data);
  try {
    await sendVerificationEmail(
      db,
      { id: user.id, email: user.email ?? data.email },
      undefined,
      context.returnTo,
    );
  } catch (error) {
    log.error({ err: error, userId: user.id }, "email verification link could not be sent");
  }
  return user;
}
