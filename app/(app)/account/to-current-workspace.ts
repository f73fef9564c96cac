import "server-only";
import { getDb } from "@/db";
import { sessionCallerFromRequest, signInPath } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { WorkspaceNeed } from "@/lib/workspaces/access";
import { currentWorkspaceOf } from "@/lib/workspaces/request";
import { hasRole } from "@/lib/workspaces/roles";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";

/**
 * A GET handler for an address from before workspaces (/account/billing, …): 307 to the same
 * section of the person's current workspace (the `tollgate-workspace` cookie, checked against
 * their memberships; else their personal one) with the query string kept, so Checkout's and
 * the portal's old return addresses and the pricing page's links still land where they meant.
 * A section the person's role there does not open (a member and billing) leads to their
 * personal workspace's instead, which they own. Signed out → sign in, back to this address.
 */
export function toCurrentWorkspace(
  section: string,
  need: WorkspaceNeed,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const userId = await signedInUserId(request);
    if (!userId) return temporaryRedirect(signInPath(`${url.pathname}${url.search}`));
    const current = await currentWorkspaceOf(userId);
    const workspace = hasRole(current.role, need.role)
      ? current.workspace
      : await ensurePersonalWorkspace(await getDb(), userId);
    return temporaryRedirect(`/w/${workspace.slug}/${section}${url.search}`);
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

/** 307: the method and body are kept, so a form posting to an old address still posts. */
function temporaryRedirect(path: string): Response {
  return new Response(null, {
    status: 307,
    headers: { Location: `${env().FRONTEND_URL}${path}`, "Cache-Control": "no-store" },
  });
}
