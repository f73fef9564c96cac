import "server-only";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth, { AuthError, CredentialsSignin, type NextAuthConfig } from "next-auth";
import type { Provider } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import Nodemailer from "next-auth/providers/nodemailer";
import { z } from "zod";
import { type Database, getDb } from "@/db";
import { accounts, sessions, users, verificationTokens } from "@/db/schema";
import { type Env, env } from "@/lib/env";
import { clientIp } from "@/lib/http/client-ip";
import { log } from "@/lib/log";
import { hitRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { authConfig } from "./auth.config";
import { safeReturnPath } from "./return-path";
import { applyAdminEmails, normalizeEmail, verifyPasswordUser } from "./users";

/**
 * The full Auth.js setup for the Node server: the Drizzle adapter (accounts, magic-link
 * tokens), email + password, magic links and OAuth. Built lazily, per call, so nothing here
 * touches the database or the configuration at import time (or during `next build`).
 */

/** Thrown by `authorize` when sign-in attempts for this email or address are over the limit. */
export class TooManySignInAttempts extends CredentialsSignin {
  override code = "rate_limited";
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
        const [byIp, byEmail] = await Promise.all([
          hitRateLimit(db, RATE_LIMITS.signInByIp, clientIp(request.headers)),
          hitRateLimit(db, RATE_LIMITS.signInByEmail, email),
        ]);
        if (!byIp.allowed || !byEmail.allowed) throw new TooManySignInAttempts();
        return verifyPasswordUser(db, email, parsed.data.password);
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
  if (config.AUTH_GITHUB_ID && config.AUTH_GITHUB_SECRET) {
    list.push(GitHub({ clientId: config.AUTH_GITHUB_ID, clientSecret: config.AUTH_GITHUB_SECRET }));
  }
  if (config.AUTH_GOOGLE_ID && config.AUTH_GOOGLE_SECRET) {
    list.push(Google({ clientId: config.AUTH_GOOGLE_ID, clientSecret: config.AUTH_GOOGLE_SECRET }));
  }
  return list;
}

async function buildConfig(): Promise<NextAuthConfig> {
  const config = env();
  const db = await getDb();
  const adapter = DrizzleAdapter(db, {
    usersTable: users,
    accountsTable: accounts,
    sessionsTable: sessions,
    verificationTokensTable: verificationTokens,
  });
  return {
    ...authConfig,
    secret: config.AUTH_SECRET,
    adapter: {
      ...adapter,
      // OAuth profiles may carry mixed-case emails; Tollgate stores them lower-cased.
      createUser: (user) => {
        if (!adapter.createUser) throw new Error("the Drizzle adapter has no createUser");
        return adapter.createUser({ ...user, email: normalizeEmail(user.email) });
      },
    },
    providers: providers(config, db),
    callbacks: {
      ...authConfig.callbacks,
      async jwt({ token, user }) {
        // `user` is set only at sign-in: the moment to apply ADMIN_EMAILS and record the role.
        if (user?.id) {
          token.sub = user.id;
          token.role =
            (await applyAdminEmails(
              db,
              { id: user.id, email: user.email ?? null },
              config.ADMIN_EMAILS,
            )) ?? "user";
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

export const { handlers, auth, signIn, signOut } = NextAuth(buildConfig);
