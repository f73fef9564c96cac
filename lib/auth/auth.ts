import "server-only";
import type { NextRequest } from "next/server";
import NextAuth, {
  type Account,
  AuthError,
  CredentialsSignin,
  type NextAuthConfig,
} from "next-auth";
import type { Provider } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import Nodemailer from "next-auth/providers/nodemailer";
import { z } from "zod";
import { type Database, getDb } from "@/db";
import { type Env, env } from "@/lib/env";
import { clientNetwork } from "@/lib/http/client-ip";
import { log } from "@/lib/log";
import { tollgateAdapter } from "./adapter";
import { authConfig } from "./auth.config";
import { type EmailProofResult, recordEmailProof } from "./email-proof";
import {
  oauthSignInDecision,
  oauthVerifiedEmail,
  parseGitHubEmails,
  withGitHubPrimaryEmail,
} from "./oauth-email";
import { safeReturnPath } from "./return-path";
import { readSessionToken } from "./session-cookie";
import { withSignInLockout } from "./sign-in-lockout";
import {
  applyAdminEmails,
  getSessionUser,
  getSessionVersion,
  normalizeEmail,
  verifyPasswordUser,
} from "./users";

/**
 * The full Auth.js setup for the Node server: the Drizzle adapter (accounts, magic-link
 * tokens), email + password, magic links and OAuth. Built lazily, per call, so nothing here
 * touches the database or the configuration at import time (or during `next build`).
 */

/** Thrown by `authorize` when failed sign-ins for this email (and address) are over the limit. */
export class TooManySignInAttempts extends CredentialsSignin {
  override code = "rate_limited";
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super();
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const passwordSignInSchema = z.object({
  email: z.email("Enter a valid email address").max(320),
  password: z.string().min(1, "Enter your password").max(1024),
});

/** Which sign-in methods this deployment offers; the sign-in page shows only these. */
export interface SignInMethods {
  magicLink: boolean;
  github: boolean;
  google: boolean;
}

export function signInMethods(config: Env = env()): SignInMethods {
  return {
    // Offline development writes the link to the log instead of sending it.
    magicLink: Boolean(config.EMAIL_SERVER) || config.NODE_ENV !== "production",
    github: Boolean(config.AUTH_GITHUB_ID && config.AUTH_GITHUB_SECRET),
    google: Boolean(config.AUTH_GOOGLE_ID && config.AUTH_GOOGLE_SECRET),
  };
}

function providers(config: Env, db: Database): Provider[] {
  const methods = signInMethods(config);
  const list: Provider[] = [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, request) {
        const parsed = passwordSignInSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const email = normalizeEmail(parsed.data.email);
        const outcome = await withSignInLockout(
          db,
          { email, ip: clientNetwork(request.headers) },
          () => verifyPasswordUser(db, email, parsed.data.password),
        );
        if (outcome.status === "locked") throw new TooManySignInAttempts(outcome.retryAfterSeconds);
        return outcome.result;
      },
    }),
  ];
  if (methods.magicLink) {
    list.push(
      Nodemailer({
        server: config.EMAIL_SERVER ?? "smtp://localhost:25",
        from: config.EMAIL_FROM,
        ...(config.EMAIL_SERVER
          ? {}
          : {
              sendVerificationRequest({ identifier, url }) {
                log.info({ email: identifier, url }, "magic sign-in link (no EMAIL_SERVER set)");
              },
            }),
      }),
    );
  }
  // Linking by email is safe here only because `signIn` refuses OAuth addresses the provider
  // did not verify, and any other address than the signed-in user's (lib/auth/oauth-email.ts).
  if (config.AUTH_GITHUB_ID && config.AUTH_GITHUB_SECRET) {
    list.push(
      GitHub({
        clientId: config.AUTH_GITHUB_ID,
        clientSecret: config.AUTH_GITHUB_SECRET,
        allowDangerousEmailAccountLinking: true,
        userinfo: {
          url: "https://api.github.com/user",
          async request({ tokens }: { tokens: { access_token?: string } }) {
            const get = (path: string) =>
              fetch(`https://api.github.com${path}`, {
                headers: {
                  Authorization: `Bearer ${tokens.access_token}`,
                  "User-Agent": "tollgate",
                },
              });
            const profile: unknown = await (await get("/user")).json();
            const emails = await get("/user/emails");
            return withGitHubPrimaryEmail(
              typeof profile === "object" && profile !== null ? profile : {},
              parseGitHubEmails(emails.ok ? await emails.json() : null),
            );
          },
        },
      }),
    );
  }
  if (config.AUTH_GOOGLE_ID && config.AUTH_GOOGLE_SECRET) {
    list.push(
      Google({
        clientId: config.AUTH_GOOGLE_ID,
        clientSecret: config.AUTH_GOOGLE_SECRET,
        allowDangerousEmailAccountLinking: true,
      }),
    );
  }
  return list;
}

/**
 * Who the request is signed in as, for an OAuth sign-in on top of a session: null when it
 * carries no session; the user's address when the session is current; a null address when it
 * has ended or its user is gone (the route handler takes such cookies off before Auth.js sees
 * them; this is the second line).
 */
async function signedInAs(
  db: Database,
  request: NextRequest | undefined,
): Promise<{ email: string | null } | null> {
  const token = request ? await readSessionToken(request) : null;
  if (!token?.sub) return null;
  const user = await getSessionUser(db, { id: token.sub, sessionVersion: token.sv });
  return { email: user?.email ?? null };
}

async function buildConfig(request: NextRequest | undefined): Promise<NextAuthConfig> {
  // Also sets AUTH_URL = FRONTEND_URL, which Auth.js builds sign-in links and redirects from
  // (never the request's Host header); every Auth.js entry point builds this config first.
  const config = env();
  const db = await getDb();
  return {
    ...authConfig,
    secret: config.AUTH_SECRET,
    adapter: tollgateAdapter(db, config.ADMIN_EMAILS),
    providers: providers(config, db),
    callbacks: {
      ...authConfig.callbacks,
      async signIn({ account, profile }) {
        const oauth = account?.type === "oauth" || account?.type === "oidc";
        return oauthSignInDecision(account, profile, oauth ? await signedInAs(db, request) : null);
      },
      async jwt({ token, user, account, profile }) {
        // `user` is set only at sign-in: the moment to record an OAuth proof of the address,
        // apply ADMIN_EMAILS, and give the token the session version it must keep matching.
        if (user?.id) {
          const email = oauthVerifiedEmail(profile);
          const proof =
            account && email && (account.type === "oauth" || account.type === "oidc")
              ? await recordEmailProof(
                  db,
                  {
                    userId: user.id,
                    how: "oauth",
                    email,
                    keepAccount: {
                      provider: account.provider,
                      providerAccountId: account.providerAccountId,
                    },
                  },
                  config.ADMIN_EMAILS,
                )
              : null;
          token.sub = user.id;
          token.role =
            (await applyAdminEmails(
              db,
              { id: user.id, email: user.email ?? null },
              config.ADMIN_EMAILS,
            )) ?? "user";
          token.sv = await signInSessionVersion(
            db,
            { id: user.id, sessionVersion: user.sessionVersion },
            account,
            proof,
          );
        }
        return token;
      },
      redirect({ url, baseUrl }) {
        return new URL(safeReturnPath(url, baseUrl), baseUrl).toString();
      },
    },
    logger: {
      error(error) {
        // A wrong password or a used sign-in link is an answer, not a fault.
        if (error instanceof CredentialsSignin) log.debug({ code: error.code }, "sign-in refused");
        else if (error instanceof AuthError && error.type === "Verification")
          log.info("sign-in link expired or already used");
        else log.error({ err: error }, "auth error");
      },
      warn(code) {
        log.warn({ code }, "auth warning");
      },
      debug(message, metadata) {
        log.debug({ metadata }, message);
      },
    },
  };
}

/**
 * The session version a new session carries. A password sign-in's is the one read with the
 * password hash (lib/auth/users.ts `verifyPasswordUser`), never a later read: a proof that
 * ended every session while the password was being checked must end this one too. Sign-in
 * links and OAuth prove the address themselves, so they take the version after their proof.
 */
async function signInSessionVersion(
  db: Database,
  user: { id: string; sessionVersion?: number | undefined },
  account: Account | null | undefined,
  proof: EmailProofResult | null,
): Promise<number> {
  if (account?.type === "credentials") {
    if (user.sessionVersion === undefined) {
      throw new Error("a password sign-in must carry the session version read with its hash");
    }
    return user.sessionVersion;
  }
  return proof?.sessionVersion ?? (await getSessionVersion(db, user.id));
}

export const { handlers, auth, signIn, signOut } = NextAuth(buildConfig);
