import "server-only";
import { notFound, redirect } from "next/navigation";
import { getToken } from "next-auth/jwt";
import { cache } from "react";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { authenticateApiKey } from "./api-keys";
import { auth } from "./auth";
import { type AppUser, getSessionUser } from "./users";

/**
 * Who is asking. The session only says who signed in; the user row is read fresh on every
 * request, so a demoted admin or a deleted user loses access at once, whatever the token says,
 * and a token whose session version is no longer the user's (every session of the user was
 * ended since it was issued) counts as signed out.
 */

/** The signed-in user of this request (pages, layouts, server actions), or null. */
export const currentUser = cache(async (): Promise<AppUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  return getSessionUser(await getDb(), { id, sessionVersion: session.user.sessionVersion });
});

/** The sign-in page, returning to `returnTo` (a path on this site) afterwards. */
export function signInPath(returnTo: string): string {
  return `/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`;
}

/** The signed-in user, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<AppUser> {
  const user = await currentUser();
  if (!user) redirect(signInPath(returnTo));
  return user;
}

/** An admin, or the 404 page for everybody else (the admin area does not announce itself). */
export async function requireAdmin(returnTo: string): Promise<AppUser> {
  const user = await requireUser(returnTo);
  if (user.role !== "admin") notFound();
  return user;
}

/** How a route handler's caller proved who they are. */
export type Caller = { user: AppUser; via: "session" | "api_key" };

/**
 * The caller of a route handler: `Authorization: Bearer <API key>` when the header is present
 * (and `allowApiKey`), else the session cookie. A bad key is 401 even when a cookie is present;
 * no credentials at all is 401 too.
 */
export async function callerFromRequest(
  request: Request,
  options: { allowApiKey: boolean },
): Promise<Caller> {
  const db = await getDb();
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    if (!options.allowApiKey) {
      throw new AppError(
        "unauthorized",
        "This endpoint takes a signed-in session, not an API key.",
      );
    }
    const [scheme, key] = authorization.split(" ");
    if (scheme !== "Bearer" || !key) {
      throw new AppError("unauthorized", "Send the API key as: Authorization: Bearer <key>.");
    }
    const user = await authenticateApiKey(db, key);
    if (!user) throw new AppError("unauthorized", "The API key is unknown or revoked.");
    return { user, via: "api_key" };
  }

  const config = env();
  const token = await getToken({
    req: request,
    secret: config.AUTH_SECRET ?? "",
    secureCookie: config.FRONTEND_URL.startsWith("https://"),
  });
  const user = token?.sub
    ? await getSessionUser(db, { id: token.sub, sessionVersion: token.sv })
    : null;
  if (!user) throw new AppError("unauthorized", "Sign in to do this.");
  return { user, via: "session" };
}
