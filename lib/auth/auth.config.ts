import type { NextAuthConfig } from "next-auth";
import type { UserRole } from "@/db/schema";

/**
 * The part of the Auth.js configuration that needs no database: pages, the JWT session and
 * the callbacks that read the token. `proxy.ts` uses only this (`NextAuth(authConfig).auth`);
 * lib/auth/auth.ts adds the adapter and the providers for the Node server.
 *
 * Cookies are Auth.js's defaults: HttpOnly, SameSite=Lax, and Secure with the `__Secure-`
 * prefix whenever FRONTEND_URL is https.
 */

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

export const authConfig = {
  pages: { signIn: "/sign-in", error: "/sign-in", verifyRequest: "/sign-in/check-email" },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  // Links and redirects are built from AUTH_URL, which `env()` sets to FRONTEND_URL (proxy.ts
  // and the full config call it before Auth.js reads a request), never from the request's Host
  // or X-Forwarded-Host header; "trusting the host" only stops Auth.js refusing the request.
  trustHost: true,
  providers: [],
  callbacks: {
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      session.user.role = token.role ?? "user";
      session.user.sessionVersion = token.sv ?? 0;
      return session;
    },
  },
} satisfies NextAuthConfig;

declare module "next-auth" {
  interface User {
    /** A password sign-in's users.session_version, read with the hash (lib/auth/auth.ts). */
    sessionVersion?: number;
  }
  interface Session {
    user: {
      id: string;
      role: UserRole;
      /** The token's session version; lib/auth/session.ts refuses a stale one. */
      sessionVersion: number;
      email?: string | null;
      name?: string | null;
    };
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    role?: UserRole;
    /** users.session_version at sign-in; a token with an older one is signed out. */
    sv?: number;
  }
}
