import "server-only";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { requireUser, sessionCallerFromRequest, signInPath } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { WorkspaceNeed } from "@/lib/workspaces/access";
import { currentWorkspaceOf } from "@/lib/workspaces/request";
import { hasRole } from "@/lib/workspaces/roles";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";

/*
 * The addresses from before workspaces (/account/billing, …) lead to the same section of the
 * person's current workspace (the `tollgate-workspace` cookie, checked against their
 * memberships; else their personal one) with the query string kept, so bookmarks, Checkout's
 * and the portal's old return addresses and the pricing page's links land where they meant.
 * A section the person's role there does not open (a member and billing) leads to their
 * personal workspace's instead, which they own.
 */

export type SearchParams = Record<string, string | string[] | undefined>;

/** The path of `section` in the person's current workspace (or personal one, see above). */
async function currentWorkspacePath(
  userId: string,
  section: string,
  need: WorkspaceNeed,
): Promise<string> {
  const current = await currentWorkspaceOf(userId);
  const workspace = hasRole(current.role, need.role)
    ? current.workspace
    : await ensurePersonalWorkspace(await getDb(), userId);
  return `/w/${workspace.slug}/${section}`;
}

/**
 * What a page at an old address does: redirects (307 on a first load; the client router follows
 * it on a navigation) to the current workspace's page, with the page's query string.
 */
export async function redirectToCurrentWorkspace(
  section: string,
  need: WorkspaceNeed,
  searchParams: Promise<SearchParams>,
): Promise<never> {
  const query = queryOf(await searchParams);
  const user = await requireUser(`/account/${section}${query}`);
  redirect(`${await currentWorkspacePath(user.id, section, need)}${query}`);
}

function queryOf(params: SearchParams): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      search.append(name, one);
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/**
 * A route handler at an old address (one that takes posts, or a route the browser loads
 * directly): 307, so a form's post stays a post, to the current workspace's route. Signed out →
 * sign in, back to this address.
 */
export function oldAccountRoute(
  section: string,
  need: WorkspaceNeed,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const userId = await signedInUserId(request);
    const target = userId
      ? `${await currentWorkspacePath(userId, section, need)}${url.search}`
      : signInPath(`${url.pathname}${url.search}`);
    return new Response(null, {
      status: 307,
      headers: { Location: `${env().FRONTEND_URL}${target}`, "Cache-Control": "no-store" },
    });
  };
}

async function signedInUserId(request: Request): Promise<string | null> {
  try {
    return (await sessionCallerFromRequest(request)).user.id;
  } catch (error) {
    if (error instanceof AppError && error.code === "unauthorized") return null;
    throw error;
  }
}
