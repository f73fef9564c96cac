import type { WorkspaceRole } from "@/db/schema";

/** What each role may do in its workspace (db/schema.ts `WORKSPACE_ROLES`). */
const RANK: Record<WorkspaceRole, number> = { owner: 3, admin: 2, member: 1 };

/** True when `role` may do what `need` may: owner ⊃ admin ⊃ member. */
export function hasRole(role: WorkspaceRole, need: WorkspaceRole): boolean {
  return RANK[role] >= RANK[need];
}

export const ROLE_LABELS: Record<WorkspaceRole, string> = {
  owner: "Owner",
  admin: "Admin",
  member: "Member",
};
