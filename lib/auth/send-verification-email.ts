import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { createTransport } from "nodemailer";
import type { Database } from "@/db";
import { users } from "@/db/schema";
import { type Env, env } from "@/lib/env";
import { log } from "@/lib/log";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { emailVerificationUrl, issueEmailVerificationToken } from "./email-verification";

/**
 * Mails the user a new email-verification link through EMAIL_SERVER, as sign-in links are
 * mailed; once verified, the link leads to `returnTo` (a path on this site) if given. Without EMAIL_SERVER the link is written to the server log in development and test;
 * in production it is not sent at all (a log line says so): a link in the log would let whoever
 * reads the log verify the address, and with it pass ADMIN_EMAILS.
 */
export async function sendVerificationEmail(
  db: Database,
  user: { id: string; email: string },
  config: Env = env(),
  returnTo?: string,
): Promise<void> {
  const token = await issueEmailVerificationToken(db, user.id);
  const url = emailVerificationUrl(token, config.FRONTEND_URL, returnTo);
  if (!config.EMAIL_SERVER) {
    if (config.NODE_ENV === "production") {
      log.warn({ userId: user.id }, "email verification link not sent: EMAIL_SERVER is not set");
    } else {
      log.info({ email: user.email, url }, "email verification link (no EMAIL_SERVER set)");
    }
    return;
  }
  const host = new URL(config.FRONTEND_URL).host;
  await createTransport(config.EMAIL_SERVER).sendMail({
    to: user.email,
    from: config.EMAIL_FROM,
    subject: `Confirm your email address for ${host}`,
    text: `Confirm your email address for ${host} by opening this link within 24 hours:\n${url}\n\nIf you did not create an account, ignore this email.\n`,
    html: `<p>Confirm your email address for ${host}:</p><p><a href="${url}">Confirm my email address</a></p><p>The link works once, for 24 hours. If you did not create an account, ignore this email.</p>`,
  });
}

/**
 * "Send the link again" on the account page: rate-limited per user; nothing is sent when the
 * address is verified already. Returns whether a link went out. Throws AppError `rate_limited`.
 */
export async function resendVerificationEmail(
  db: Database,
  userId: string,
  returnTo?: string,
): Promise<boolean> {
  await enforceRateLimit(db, RATE_LIMITS.emailVerificationSend, userId);
  const [user] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.emailVerified)))
    .limit(1);
  if (!user?.email) return false;
  await sendVerificationEmail(db, { id: user.id, email: user.email }, env(), returnTo);
  return true;
}
