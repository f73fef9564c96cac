import "server-only";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db";
import { AppError } from "@/lib/errors";
import { authenticateApiKey } from "./api-keys";
import { auth } from "./auth";
import { readSessionToken } from "./session-cookie";
import { type AppUser, getSessionUser } from "./users";

/**
 * Who is asking. The session only says who signed in; the user row is read fresh on every
 * request, so a demoted admin or a deleted user loses access at once, whatever the token says,
 * and a token whose session version is no longer the user's (every session of the user was
 * ended since it was issued) counts as signed out.
 */

/** A signed-in session whose version is the user's current one. */
export interface SignedInSession {
  user: AppUser;
  /**
   * The session's version. Writes that must not outlive the session (a password, an API key)
   * are made only while it is still the user's version.
   */
  sessionVersion: number;
}

/** The signed-in session of this request (pages, layouts, server actions), or null. */
export const currentSession = cache(async (): Promise<SignedInSession | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const { sessionVersion } = session.user;
  const user = await getSessionUser(await getDb(), { id, sessionVersion });
  return user ? { user, sessionVersion } : null;
});

/** The signed-in user of this request (pages, layouts, server actions), or null. */
export const currentUser = cache(
  async (): Promise<AppUser | null> => (await currentSession())?.user ?? null,
);

/** The sign-in page, returning to `returnTo` (a path on this site) afterwards. */
export function signInPath(returnTo: string): string {
  return `/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`;
}

/** The signed-in session, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireSession(returnTo: string): Promise<SignedInSession> {
  const session = await currentSession();
  if (!session) redirect(signInPath(returnTo));
  return session;
}

/** The signed-in user, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<AppUser> {
  return (await requireSession(returnTo)).user;
}

/** An admin's session, or the 404 page for everybody else (the admin area does not announce itself). */
export async function requireAdminSession(returnTo: string): Promise<SignedInSession> {
  const session = await requireSession(returnTo);
  if (session.user.role !== "admin") notFound();
  return session;
}

/** An admin, or the 404 page for everybody else. */
export async function requireAdmin(returnTo: string): Promise<AppUser> {
  return (await requireAdminSession(returnTo)).user;
}

/** A route handler's caller who sent a session cookie; `sessionVersion` as in SignedInSession. */
export type SessionCaller = { user: AppUser; via: "session"; sessionVersion: number };

/** How a route handler's caller proved who they are. */
export type Caller = SessionCaller | { user: AppUser; via: "api_key"; workspaceId: string };

/**
 * The caller of a session-only route handler. 401 with an Authorization header (this endpoint
 * takes no API key), without a session cookie, or with an ended session.
 */
export async function sessionCallerFromRequest(request: Request): Promise<SessionCaller> {
  if (request.headers.get("authorization") !== null) {
    throw new AppError("unauthorized", "This endpoint takes a signed-in session, not an API key.");
  }
  const token = await readSessionToken(request);
  const user = token?.sub
    ? await getSessionUser(await getDb(), { id: token.sub, sessionVersion: token.sv })
    : null;
  if (!token || !user) throw new AppError("unauthorized", "Sign in to do this.");
  return { user, via: "session", sessionVersion: token.sv ?? 0 };
}

/**
 * The caller of a route handler that also takes API keys: `Authorization: Bearer <API key>`
 * when the header is present, else the session cookie. A bad key is 401 even when a cookie is
 * present; no credentials at all is 401 too.
 */
export async function callerFromRequest(request: Request): Promise<Caller> {
  const authorization = request.headers.get("authorization");
  if (authorization === null) return sessionCallerFromRequest(request);
  const [scheme, key] = authorization.split(" ");
  if (scheme !== "Bearer" || !key) {
    throw new AppError("unauthorized", "Send the API key as: Authorization: Bearer <key>.");
  }
  const authenticated = await authenticateApiKey(await getDb(), key);
  if (!authenticated) throw new AppError("unauthorized", "The API key is unknown or revoked.");
  return { ...authenticated, via: "api_key" };
}
