import "server-only";
import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { getDb } from "@/db";
import type { Caller } from "@/lib/auth/session";
import { requireSession, type SignedInSession } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { authorizeWorkspace, NEEDS, type WorkspaceNeed } from "./access";
import { CURRENT_WORKSPACE_COOKIE } from "./slug";
import { ensurePersonalWorkspace, findMembership, type WorkspaceMembership } from "./workspaces";

/**
 * A workspace page's session and membership. Signed out → sign-in and back; not a member, or a
 * role below `need` → the 404 page.
 */
export async function requireWorkspacePage(
  slug: string,
  need: WorkspaceNeed,
  returnTo: string,
): Promise<SignedInSession & WorkspaceMembership> {
  const session = await requireSession(returnTo);
  try {
    const membership = await authorizeWorkspace(await getDb(), {
      userId: session.user.id,
      slug,
      need,
    });
    return { ...session, ...membership };
  } catch (error) {
    if (error instanceof AppError && (error.code === "not_found" || error.code === "forbidden")) {
      notFound();
    }
    throw error;
  }
}

/**
 * The workspace a signed-in person is working in: the one named by the cookie when they are
 * still a member of it, else their personal workspace.
 */
export async function currentWorkspaceOf(userId: string): Promise<WorkspaceMembership> {
  const db = await getDb();
  const slug = (await cookies()).get(CURRENT_WORKSPACE_COOKIE)?.value;
  if (slug) {
    const membership = await findMembership(db, { userId, slug });
    if (membership) return membership;
  }
  return { workspace: await ensurePersonalWorkspace(db, userId), role: "owner" };
}

/** The header naming the workspace a session call of the usage API acts in. */
export const WORKSPACE_HEADER = "Tollgate-Workspace";

/**
 * The workspace a usage API call acts on: an API key's own workspace; for a session, the
 * workspace the `Tollgate-Workspace: <slug>` header names (404 unless a member), else the
 * caller's personal workspace.
 */
export async function usageWorkspaceOf(caller: Caller, request: Request): Promise<string> {
  if (caller.via === "api_key") return caller.workspaceId;
  const db = await getDb();
  const slug = request.headers.get(WORKSPACE_HEADER)?.trim();
  if (!slug) return (await ensurePersonalWorkspace(db, caller.user.id)).id;
  const { workspace } = await authorizeWorkspace(db, {
    userId: caller.user.id,
    slug,
    need: NEEDS.use,
  });
  return workspace.id;
}
