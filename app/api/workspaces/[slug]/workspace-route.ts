import "server-only";
import { type Database, getDb } from "@/db";
import type { SessionCaller } from "@/lib/auth/session";
import { type RouteContext, type RouteOptions, route } from "@/lib/http/route";
import { authorizeWorkspace, type WorkspaceNeed } from "@/lib/workspaces/access";
import type { WorkspaceMembership } from "@/lib/workspaces/workspaces";

type WorkspaceParams = { slug: string } & Record<string, string>;

/**
 * `route("user")` for a route under /api/workspaces/:slug: the signed-in caller's membership of
 * the workspace, checked for `need` by `authorizeWorkspace` before the handler runs (404 for a
 * non-member or no such workspace, a removed member included; 403 for too low a role).
 */
export function workspaceRoute<P extends WorkspaceParams>(
  need: WorkspaceNeed,
  handler: (
    context: RouteContext<P> & WorkspaceMembership & { caller: SessionCaller; db: Database },
  ) => Promise<Response>,
  options: RouteOptions = {},
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return route<"user", P>(
    "user",
    async (context) => {
      const db = await getDb();
      const membership = await authorizeWorkspace(db, {
        userId: context.caller.user.id,
        slug: context.params.slug,
        need,
      });
      return handler({ ...context, ...membership, db });
    },
    options,
  );
}
