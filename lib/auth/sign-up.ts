import "server-only";
import { z } from "zod";
import type { Database } from "@/db";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
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
 * Creates an email + password account. Rate-limited per address before anything else, so
 * failed and invalid attempts count too. Throws AppError (`rate_limited`, `conflict`) or a
 * ZodError for invalid input.
 */
export async function signUp(
  db: Database,
  input: unknown,
  context: { ip: string; adminEmails: readonly string[] },
): Promise<AppUser> {
  await enforceRateLimit(db, RATE_LIMITS.signUpByIp, context.ip);
  const data = signUpSchema.parse(input);
  return createPasswordUser(db, data, context.adminEmails);
}
