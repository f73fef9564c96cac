import "server-only";
import { NextRequest } from "next/server";
import { getToken, type JWT } from "next-auth/jwt";
import type { Database } from "@/db";
import { env } from "@/lib/env";
import { getSessionUser } from "./users";

/**
 * The session cookie as Auth.js writes it: `authjs.session-token`, `__Secure-` prefixed when
 * FRONTEND_URL (Auth.js's AUTH_URL) is https, split into `.0`, `.1`, … parts when large.
 */
function sessionCookie(): { name: string; secure: boolean } {
  const secure = env().FRONTEND_URL.startsWith("https://");
  return { name: `${secure ? "__Secure-" : ""}authjs.session-token`, secure };
}

function isSessionCookie(cookieName: string, name: string): boolean {
  return cookieName === name || cookieName.startsWith(`${name}.`);
}

/**
 * The session token in the request's cookie, or null (no cookie, or one this server did not
 * sign). Never a token from an Authorization header, which Auth.js's `getToken` would accept.
 */
export async function readSessionToken(request: Request): Promise<JWT | null> {
  const { name, secure } = sessionCookie();
  return getToken({
    req: { headers: new Headers({ cookie: request.headers.get("cookie") ?? "" }) },
    secret: env().AUTH_SECRET ?? "",
    secureCookie: secure,
    cookieName: name,
  });
}

/**
 * Auth.js reads the session cookie itself in its own endpoints and knows nothing of session
 * versions: its session endpoint would answer with an ended session, and its OAuth callback
 * links the new provider account to whichever user the cookie names. Every request to
 * /api/auth/* therefore comes through here first: a session that has ended (its version is no
 * longer the user's, or the user is gone) is taken off the request, so Auth.js sees a visitor
 * who is not signed in. `ended` names the cookies taken off, for `expireCookies`.
 */
export async function withoutEndedSession(
  db: Database,
  request: NextRequest,
): Promise<{ request: NextRequest; ended: string[] }> {
  const { name } = sessionCookie();
  const pairs = (request.headers.get("cookie") ?? "")
    .split(";")
    .map((pair) => pair.trim())
    .filter(Boolean);
  const nameOf = (pair: string) => pair.split("=")[0]?.trim() ?? "";
  const session = pairs.map(nameOf).filter((cookieName) => isSessionCookie(cookieName, name));
  if (session.length === 0) return { request, ended: [] };
  const token = await readSessionToken(request);
  if (!token?.sub) return { request, ended: [] };
  if (await getSessionUser(db, { id: token.sub, sessionVersion: token.sv })) {
    return { request, ended: [] };
  }
  const kept = pairs.filter((pair) => !isSessionCookie(nameOf(pair), name)).join("; ");
  const headers = new Headers(request.headers);
  if (kept) headers.set("cookie", kept);
  else headers.delete("cookie");
  return { request: new NextRequest(request, { headers }), ended: session };
}

/**
 * The response with Set-Cookie lines that delete the named cookies, unless it sets a new
 * session itself (a sign-in on the same request), which must win.
 */
export function expireCookies(response: Response, names: readonly string[]): Response {
  if (names.length === 0) return response;
  const { name, secure } = sessionCookie();
  const setsSession = response.headers
    .getSetCookie()
    .some((line) => isSessionCookie(line.split("=")[0]?.trim() ?? "", name));
  if (setsSession) return response;
  const headers = new Headers(response.headers);
  for (const cookieName of names) {
    headers.append(
      "set-cookie",
      `${cookieName}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`,
    );
  }
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
