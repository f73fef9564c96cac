import "server-only";
import { and, eq, isNull, ne, or, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { accounts, apiKeys, type UserRole, users } from "@/db/schema";
import { log } from "@/lib/log";
import { isAdminEmail, normalizeEmail } from "./users";

/**
 * How someone proved they receive mail at an account's address:
 *   verification_link  the link mailed at sign-up, opened while signed in as that account, so
 *                      the prover also knows the password: nothing before it is suspect;
 *   magic_link         a sign-in link: the prover may never have seen the account before;
 *   oauth              a provider that says it verified the address (lib/auth/oauth-email.ts).
 */
export type EmailProofMethod = "verification_link" | "magic_link" | "oauth";

export interface EmailProof {
  userId: string;
  how: EmailProofMethod;
  /** The address proven, when it may differ from the account's (an OAuth profile's). */
  email?: string;
  /** The OAuth account used for the proof; every other linked account is unlinked. */
  keepAccount?: { provider: string; providerAccountId: string };
  now?: Date;
}

export interface EmailProofResult {
  /** The account's address was unverified before this proof. */
  newlyVerified: boolean;
  /**
   * What was set up before the proof was undone: the password cleared, API keys revoked,
   * other sign-in methods unlinked and every session ended. The owner must set a password.
   */
  takenOver: boolean;
  role: UserRole;
  /** The session version a session of the prover must carry from now on. */
  sessionVersion: number;
}

/**
 * Records a proof of the account's address. The one place where an address becomes verified,
 * and so where ADMIN_EMAILS promotes. Idempotent, in one transaction, the user row locked.
 *
 * Against pre-account hijack: someone may have signed up with another person's address and a
 * password, created API keys and linked their own OAuth account. When the address of such an
 * unverified password account is proven by a method that does not show the prover knew that
 * password (a magic link, OAuth), everything set up before the proof is undone: the password is cleared, the keys revoked,
 * other linked accounts unlinked and the session version bumped, which ends every session
 * issued before (lib/auth/session.ts refuses them). The prover's own new session carries the
 * new version. Null for an unknown user, or when `email` is not the account's address.
 */
export async function recordEmailProof(
  db: Database,
  proof: EmailProof,
  adminEmails: readonly string[],
): Promise<EmailProofResult | null> {
  const now = proof.now ?? new Date();
  return db.transaction(async (tx) => {
    const [user] = await tx
      .select({
        email: users.email,
        emailVerified: users.emailVerified,
        passwordHash: users.passwordHash,
        role: users.role,
        sessionVersion: users.sessionVersion,
      })
      .from(users)
      .where(eq(users.id, proof.userId))
      .for("update")
      .limit(1);
    if (!user?.email) return null;
    if (proof.email !== undefined && normalizeEmail(proof.email) !== user.email) return null;

    const newlyVerified = user.emailVerified === null;
    // Hijack needs a credential the owner does not control; an unverified account has one
    // only as a password (OAuth and sign-in links verify the address when they create one).
    const takenOver =
      newlyVerified && proof.how !== "verification_link" && user.passwordHash !== null;
    const role: UserRole = isAdminEmail(user.email, adminEmails) ? "admin" : user.role;

    const [updated] = await tx
      .update(users)
      .set({
        role,
        ...(newlyVerified ? { emailVerified: now } : {}),
        ...(takenOver
          ? { passwordHash: null, sessionVersion: sql`${users.sessionVersion} + 1` }
          : {}),
      })
      .where(eq(users.id, proof.userId))
      .returning({ sessionVersion: users.sessionVersion });

    if (takenOver) {
      // Every key, not "created before `now`": `now` is the app's clock, `createdAt` the
      // database's, and a key created a moment before the proof must not survive a skew.
      await tx
        .update(apiKeys)
        .set({ revokedAt: now })
        .where(and(eq(apiKeys.userId, proof.userId), isNull(apiKeys.revokedAt)));
      const keep = proof.keepAccount;
      await tx
        .delete(accounts)
        .where(
          keep
            ? and(
                eq(accounts.userId, proof.userId),
                or(
                  ne(accounts.provider, keep.provider),
                  ne(accounts.providerAccountId, keep.providerAccountId),
                ),
              )
            : eq(accounts.userId, proof.userId),
        );
      log.warn(
        { userId: proof.userId, how: proof.how },
        "address proven on an unverified account: earlier password, API keys and sessions ended",
      );
    }
    if (newlyVerified) log.info({ userId: proof.userId, how: proof.how }, "email address verified");
    return {
      newlyVerified,
      takenOver,
      role,
      sessionVersion: updated?.sessionVersion ?? user.sessionVersion,
    };
  });
}
