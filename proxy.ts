import NextAuth from "next-auth";
import { authConfig } from "@/lib/auth/auth.config";

const { auth } = NextAuth(authConfig);

/**
 * Sends signed-out visitors of /account and /admin to sign-in early, with the path they asked
 * for as the way back. Only a convenience: every protected page, route handler and action
 * checks the user again (lib/auth/session.ts).
 */
export default auth((request) => {
  if (request.auth?.user?.id) return;
  const signIn = request.nextUrl.clone();
  signIn.pathname = "/sign-in";
  signIn.search = new URLSearchParams({
    callbackUrl: `${request.nextUrl.pathname}${request.nextUrl.search}`,
  }).toString();
  return Response.redirect(signIn);
});

export const config = { matcher: ["/account/:path*", "/admin/:path*"] };
