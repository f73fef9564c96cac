import "server-only";
import type { Database } from "@/db";
import type { WorkspaceRole } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { hasRole, ROLE_LABELS } from "./roles";
import { findMembership, type WorkspaceMembership } from "./workspaces";

/** What an action in a workspace needs. */
export interface WorkspaceNeed {
  role: WorkspaceRole;
  /** Says what was refused, for a member whose role is too low: "see invoices". */
  to: string;
}

/**
 * The one check of a member's role, used by every workspace page, route handler and action.
 * Read fresh from the database on every call, so a removed member's live session loses access
 * at once. Not a member (or no such workspace) → AppError `not_found` (a workspace does not
 * announce itself to outsiders); a member whose role is below `need.role` → `forbidden`
 * (pages turn both into their 404).
 */
export async function authorizeWorkspace(
  db: Database,
  input: { userId: string; slug: string; need: WorkspaceNeed },
): Promise<WorkspaceMembership> {
  const membership = await findMembership(db, input);
  if (!membership) throw new AppError("not_found", `There is no workspace “${input.slug}”.`);
  if (!hasRole(membership.role, input.need.role)) {
    const allowed = input.need.role === "owner" ? "the owner" : "owners and admins";
    throw new AppError(
      "forbidden",
      `Only ${allowed} of this workspace can ${input.need.to}; you are a ${ROLE_LABELS[membership.role].toLowerCase()}.`,
    );
  }
  return membership;
}

/** Needs of the workspace's areas. */
export const NEEDS = {
  use: { role: "member", to: "use it" },
  billing: { role: "admin", to: "manage billing" },
  invoices: { role: "admin", to: "see invoices" },
  members: { role: "admin", to: "manage members" },
  apiKeys: { role: "member", to: "use API keys" },
  settings: { role: "admin", to: "change its settings" },
  delete: { role: "owner", to: "delete it" },
  transfer: { role: "owner", to: "transfer ownership" },
} as const satisfies Record<string, WorkspaceNeed>;
