/**
 * Which address an OAuth provider vouches for. Tollgate lets an OAuth sign-in link to an
 * existing account with the same address (Auth.js's `allowDangerousEmailAccountLinking`) only
 * because the `signIn` callback first refuses every OAuth sign-in whose provider does not say
 * it verified the address: then the sign-in is a proof of the address (lib/auth/email-proof.ts),
 * like a sign-in link, and undoes a pre-account hijack instead of being blocked by it.
 *
 *   Google  the OpenID Connect claim `email_verified`.
 *   GitHub  the profile's email is replaced by the account's primary address, marked verified
 *           only when GitHub lists it as verified (GET /user/emails, `user:email` scope); a
 *           public profile email alone says nothing about verification.
 *
 * Pure: no network here; `lib/auth/auth.ts` fetches and passes the data in.
 */
import { normalizeEmail } from "./users";

/** One entry of GitHub's GET /user/emails. */
export interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/** The address a provider profile says is verified, or null. */
export function oauthVerifiedEmail(profile: unknown): string | null {
  if (typeof profile !== "object" || profile === null) return null;
  if (!("email_verified" in profile) || profile.email_verified !== true) return null;
  if (!("email" in profile) || typeof profile.email !== "string") return null;
  return profile.email.trim() === "" ? null : profile.email;
}

/** GitHub's /user/emails as sent, keeping well-formed entries only. */
export function parseGitHubEmails(body: unknown): GitHubEmail[] {
  if (!Array.isArray(body)) return [];
  return body.flatMap((entry: unknown) =>
    typeof entry === "object" &&
    entry !== null &&
    "email" in entry &&
    typeof entry.email === "string" &&
    "primary" in entry &&
    "verified" in entry
      ? [{ email: entry.email, primary: entry.primary === true, verified: entry.verified === true }]
      : [],
  );
}

/**
 * A GitHub profile with `email` set to the primary address and `email_verified` saying whether
 * GitHub verified it (null email when there is no primary address).
 */
export function withGitHubPrimaryEmail<P extends object>(
  profile: P,
  emails: readonly GitHubEmail[],
): P & { email: string | null; email_verified: boolean } {
  const primary = emails.find((entry) => entry.primary);
  return { ...profile, email: primary?.email ?? null, email_verified: primary?.verified === true };
}

/** Where the sign-in page is sent when a provider vouches for no address (see its messages). */
export const OAUTH_EMAIL_NOT_VERIFIED_PATH = "/sign-in?error=OAuthEmailNotVerified";

/** Where the sign-in page is sent when the provider's address is not the signed-in user's. */
export const OAUTH_OTHER_ADDRESS_PATH = "/sign-in?error=OAuthOtherAddress";

/**
 * The `signIn` callback's answer: true lets the sign-in go on; a path refuses it. Password
 * and sign-in-link sign-ins always go on (they have checks of their own); an OAuth sign-in
 * only with an address its provider verified.
 *
 * `signedIn` is the session the request already carries (null: none), with its user's address
 * (null when that session has ended). On top of a session, Auth.js links the provider account
 * to the signed-in user whatever its address; Tollgate has no page for linking other
 * accounts, so an OAuth sign-in may only ever attach to the user of its own address: one made
 * while signed in as anyone else is refused.
 */
export function oauthSignInDecision(
  account: { type: string } | null | undefined,
  profile: unknown,
  signedIn: { email: string | null } | null = null,
): true | string {
  if (account?.type !== "oauth" && account?.type !== "oidc") return true;
  const email = oauthVerifiedEmail(profile);
  if (email === null) return OAUTH_EMAIL_NOT_VERIFIED_PATH;
  if (signedIn && signedIn.email !== normalizeEmail(email)) return OAUTH_OTHER_ADDRESS_PATH;
  return true;
}
