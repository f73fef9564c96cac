/**
 * Membership made directly in the database, for tests of who may do what in a workspace
 * (invitations are tested on their own).
 */
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { type WorkspaceRole, workspaceMembers } from "@/db/schema";

/** Adds `userId` to the workspace with `role`. */
export async function insertMembership(
  db: Database,
  input: { workspaceId: string; userId: string; role: WorkspaceRole },
): Promise<void> {
  await db.insert(workspaceMembers).values(input);
}

/** Removes `userId` from the workspace (their sessions live on). */
export async function deleteMembership(
  db: Database,
  input: { workspaceId: string; userId: string },
): Promise<void> {
  await db
    .delete(workspaceMembers)
    .where(
      and(
        eq(workspaceMembers.workspaceId, input.workspaceId),
        eq(workspaceMembers.userId, input.userId),
      ),
    );
}
