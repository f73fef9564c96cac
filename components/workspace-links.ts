import type { WorkspaceRole } from "@/db/schema";
import { hasRole } from "@/lib/workspaces/roles";

/** Where opening a workspace leads: billing for owners and admins, usage for members. */
export function workspaceHome(workspace: { slug: string; role: WorkspaceRole }): string {
  return `/w/${workspace.slug}/${hasRole(workspace.role, "admin") ? "billing" : "usage"}`;
}
