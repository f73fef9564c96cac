import NextAuth from "next-auth";
import { authConfig } from "@/lib/auth/auth.config";

/**
 * Sends signed-out visitors of /account and /admin to sign-in early. Only a convenience: every
 * protected page, route handler and action checks the user again (lib/auth/session.ts).
 */
export default NextAuth(authConfig).auth;

export const config = { matcher: ["/account/:path*", "/admin/:path*"] };
