import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt } from "drizzle-orm";
import type { Database } from "@/db";
import { verificationTokens } from "@/db/schema";
import { type EmailProofResult, recordEmailProof } from "./email-proof";

/**
 * Email-verification links, kept in Auth.js's verificationToken table under identifiers of
 * their own (`verify-email:<user id>`: never an email address, so never a sign-in link's) and
 * stored as the SHA-256 of the token (256 random bits: a slow hash or a pepper adds nothing;
 * unlike Auth.js's peppered hash, a verification token also cannot be replayed as a sign-in
 * link). One live link per user: issuing a new one voids the last. Single use; 24 hours.
 */
export const EMAIL_VERIFICATION_TTL_MS = 24 * 60 * 60 * 1000;

const identifierFor = (userId: string) => `verify-email:${userId}`;
const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/** A new verification token for the user (the previous one stops working). */
export async function issueEmailVerificationToken(
  db: Database,
  userId: string,
  now: Date = new Date(),
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const identifier = identifierFor(userId);
  await db.transaction(async (tx) => {
    await tx.delete(verificationTokens).where(eq(verificationTokens.identifier, identifier));
    await tx.insert(verificationTokens).values({
      identifier,
      token: hashToken(token),
      expires: new Date(now.getTime() + EMAIL_VERIFICATION_TTL_MS),
    });
  });
  return token;
}

/**
 * The link to put in the email; `returnTo` (a path on this site, such as the invitation the
 * person signed up from) is where the link leads once the address is verified.
 */
export function emailVerificationUrl(
  token: string,
  frontendUrl: string,
  returnTo?: string,
): string {
  const query = new URLSearchParams({ token, ...(returnTo ? { next: returnTo } : {}) });
  return `${frontendUrl}/verify-email?${query}`;
}

/**
 * Uses up the user's verification token and records the proof. The caller must have checked
 * that the signed-in user is `userId` (so the prover also knows the password, and nothing set
 * up before is suspect); a link opened by anyone else goes through sign-in first. Null when
 * the token is unknown, used, expired or another user's.
 */
export async function verifyEmailWithToken(
  db: Database,
  input: { userId: string; token: string; now?: Date },
  adminEmails: readonly string[],
): Promise<EmailProofResult | null> {
  const now = input.now ?? new Date();
  if (input.token.length === 0 || input.token.length > 100) return null;
  const used = await db
    .delete(verificationTokens)
    .where(
      and(
        eq(verificationTokens.identifier, identifierFor(input.userId)),
        eq(verificationTokens.token, hashToken(input.token)),
        gt(verificationTokens.expires, now),
      ),
    )
    .returning({ identifier: verificationTokens.identifier });
  if (used.length === 0) return null;
  return recordEmailProof(db, { userId: input.userId, how: "verification_link", now }, adminEmails);
}
