import "server-only";
import { getDb } from "@/db";
import type { SessionCaller } from "@/lib/auth/session";
import { authorizeWorkspace, type WorkspaceNeed } from "./access";
import type { WorkspaceMembership } from "./workspaces";

/** A workspace as the API answers it, with the caller's role in it. */
export function workspaceJson({ workspace, role }: WorkspaceMembership) {
  return {
    id: workspace.id,
    name: workspace.name,
    slug: workspace.slug,
    personal: workspace.personalUserId !== null,
    role,
    createdAt: workspace.createdAt,
  };
}

/** The route caller's membership of the workspace at `slug`, checked against `need` (404/403). */
export async function authorizeCaller(
  caller: SessionCaller,
  slug: string,
  need: WorkspaceNeed,
): Promise<WorkspaceMembership> {
  return authorizeWorkspace(await getDb(), { userId: caller.user.id, slug, need });
}
