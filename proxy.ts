import { type NextFetchEvent, NextRequest, NextResponse } from "next/server";
import NextAuth, { type NextAuthRequest } from "next-auth";
import { authConfig } from "@/lib/auth/auth.config";
import { env } from "@/lib/env";
import { contentSecurityPolicy, createNonce, securityHeaders } from "@/lib/http/security-headers";
import { CURRENT_WORKSPACE_COOKIE, SLUG_PATTERN } from "@/lib/workspaces/slug";

const { auth } = NextAuth(authConfig);

/** Where signed-out visitors are sent to sign-in first. */
const SIGNED_IN_ONLY = /^\/(account|admin|w)(\/|$)/;

/** A workspace's pages: /w/<slug> and below. */
const WORKSPACE_PATH = /^\/w\/([^/]+)(\/|$)/;

/**
 * The workspace a /w/<slug>/ address names, remembered as the person's current one: the
 * switcher marks it, and the addresses from before workspaces (/account/billing, …) lead to it.
 * Only a name: every read checks the person is a member of it (`currentWorkspaceOf`).
 */
function visitedWorkspace(request: NextRequest): string | null {
  // A link's prefetch is no visit: the switcher and the account page link to every workspace.
  const headers = request.headers;
  if (headers.has("next-router-prefetch") || headers.has("next-router-segment-prefetch")) {
    return null;
  }
  const slug = WORKSPACE_PATH.exec(request.nextUrl.pathname)?.[1]?.toLowerCase();
  return slug && SLUG_PATTERN.test(slug) ? slug : null;
}

/**
 * Sends signed-out visitors to sign-in early, with the path they asked for as the way back.
 * Only a convenience: every protected page, route handler and action checks the user again
 * (lib/auth/session.ts). The address is FRONTEND_URL's, never the request's Host header.
 */
const signedInOnly = auth((request: NextAuthRequest, _event: NextFetchEvent) => {
  if (request.auth?.user?.id) return NextResponse.next({ request: { headers: request.headers } });
  const signIn = new URL("/sign-in", env().FRONTEND_URL);
  signIn.search = new URLSearchParams({
    callbackUrl: `${request.nextUrl.pathname}${request.nextUrl.search}`,
  }).toString();
  return NextResponse.redirect(signIn);
});

/**
 * Runs before every page (and whatever else is not under /api): gives the response its security
 * headers (lib/http/security-headers.ts) with a fresh script nonce, which reaches Next's
 * renderer through the request's own Content-Security-Policy header.
 */
export default async function proxy(
  request: NextRequest,
  event: NextFetchEvent,
): Promise<Response> {
  // Also sets AUTH_URL before Auth.js reads the request (see `env`).
  const config = env();
  const policy = contentSecurityPolicy({
    frontendUrl: config.FRONTEND_URL,
    nonce: createNonce(),
    development: config.NODE_ENV === "development",
  });
  const forwarded = new Headers(request.headers);
  forwarded.set("content-security-policy", policy);
  const workspace = visitedWorkspace(request);
  if (workspace) {
    // This request's own render (the header's switcher) reads the workspace it is in, too.
    request.cookies.set(CURRENT_WORKSPACE_COOKIE, workspace);
    forwarded.set("cookie", request.cookies.toString());
  }

  const next = () => NextResponse.next({ request: { headers: forwarded } });
  const response = SIGNED_IN_ONLY.test(request.nextUrl.pathname)
    ? ((await signedInOnly(new NextRequest(request, { headers: forwarded }), event)) ?? next())
    : next();
  for (const [name, value] of securityHeaders(config.FRONTEND_URL, policy)) {
    response.headers.set(name, value);
  }
  if (workspace && response.status < 300) {
    // The slug matched SLUG_PATTERN: nothing in it needs encoding.
    const secure = config.FRONTEND_URL.startsWith("https://") ? "; Secure" : "";
    response.headers.append(
      "set-cookie",
      `${CURRENT_WORKSPACE_COOKIE}=${workspace}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax${secure}`,
    );
  }
  return response;
}

export const config = {
  // Everything but the build's static files and /api. Next reads the whole body of a request
  // the proxy sees before any handler runs (to hand the proxy a copy), so route handlers would
  // lose their own size caps and abort handling; /api gets its headers from next.config.ts.
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"],
};
