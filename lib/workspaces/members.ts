import "server-only";
import { and, asc, count, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { apiKeys, users, type WorkspaceRole, workspaceMembers, workspaces } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { hasRole, ROLE_LABELS } from "./roles";
import { requestSeatSync } from "./seats";
import { lockWorkspace } from "./workspaces";

/**
 * Membership changes. Every change runs in one transaction that first locks the workspace row
 * (`lockWorkspace`), re-reads the roles it decides on, and ends with `recordMembershipChange`
 * (membership_version + 1, and the seat sync asked for). Locking the row serialises all changes
 * of one workspace, so the "at least one owner" rule holds under concurrency: of two owners
 * demoting each other at once, the second finds the first already demoted and is refused.
 *
 * Rules: owners and admins manage members; only an owner may make or unmake an owner (so an
 * admin can neither change nor remove one); the last owner cannot leave, be removed or be
 * demoted; nobody leaves their personal workspace.
 */

export interface MemberSummary {
  userId: string;
  name: string | null;
  email: string | null;
  role: WorkspaceRole;
  joinedAt: Date;
}

const ROLE_ORDER = sql`case ${workspaceMembers.role} when 'owner' then 0 when 'admin' then 1 else 2 end`;

/** The workspace's members: owners, then admins, then members, each by the date they joined. */
export async function listMembers(db: Database, workspaceId: string): Promise<MemberSummary[]> {
  return db
    .select({
      userId: workspaceMembers.userId,
      name: users.name,
      email: users.email,
      role: workspaceMembers.role,
      joinedAt: workspaceMembers.createdAt,
    })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(eq(workspaceMembers.workspaceId, workspaceId))
    .orderBy(ROLE_ORDER, asc(workspaceMembers.createdAt), asc(workspaceMembers.userId));
}

/** Ends a membership change: a new membership version, and the seat sync asked for. */
export async function recordMembershipChange(tx: Database, workspaceId: string): Promise<void> {
  await tx
    .update(workspaces)
    .set({ membershipVersion: sql`${workspaces.membershipVersion} + 1`, updatedAt: new Date() })
    .where(eq(workspaces.id, workspaceId));
  await requestSeatSync(tx, workspaceId);
}

async function roleOf(tx: Database, workspaceId: string, userId: string) {
  const [row] = await tx
    .select({ role: workspaceMembers.role })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)));
  return row?.role ?? null;
}

async function ownerCount(tx: Database, workspaceId: string): Promise<number> {
  const [row] = await tx
    .select({ owners: count() })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.role, "owner")));
  return row?.owners ?? 0;
}

/** The acting member's role, read under the lock: they may have been demoted or removed since. */
async function actorRoleOrThrow(
  tx: Database,
  workspaceId: string,
  actorId: string,
  need: WorkspaceRole,
  to: string,
): Promise<WorkspaceRole> {
  const role = await roleOf(tx, workspaceId, actorId);
  if (!role) throw new AppError("not_found", "You are no longer a member of this workspace.");
  if (!hasRole(role, need)) {
    const allowed = need === "owner" ? "owners" : "owners and admins";
    throw new AppError(
      "forbidden",
      `Only ${allowed} can ${to}; you are a ${ROLE_LABELS[role].toLowerCase()}.`,
    );
  }
  return role;
}

async function targetRoleOrThrow(
  tx: Database,
  workspaceId: string,
  userId: string,
): Promise<WorkspaceRole> {
  const role = await roleOf(tx, workspaceId, userId);
  if (!role) throw new AppError("not_found", "That person is not a member of this workspace.");
  return role;
}

async function assertNotLastOwner(tx: Database, workspaceId: string, what: string): Promise<void> {
  if ((await ownerCount(tx, workspaceId)) <= 1) {
    throw new AppError(
      "conflict",
      `${what}: a workspace always keeps at least one owner. Make another member owner first.`,
    );
  }
}

/**
 * Gives a member another role. Owners and admins may; only an owner may make or unmake an
 * owner; the last owner cannot be demoted. Setting the role a member has already changes
 * nothing. Throws AppError `not_found`, `forbidden`, `conflict`.
 */
export async function changeMemberRole(
  db: Database,
  input: { workspaceId: string; actorId: string; userId: string; role: WorkspaceRole },
): Promise<MemberSummary> {
  await db.transaction(async (tx) => {
    await lockWorkspace(tx, input.workspaceId);
    const actorRole = await actorRoleOrThrow(
      tx,
      input.workspaceId,
      input.actorId,
      "admin",
      "change roles",
    );
    const current = await targetRoleOrThrow(tx, input.workspaceId, input.userId);
    if (current === input.role) return;
    if ((current === "owner" || input.role === "owner") && actorRole !== "owner") {
      throw new AppError(
        "forbidden",
        current === "owner"
          ? "Only an owner can change an owner's role."
          : "Only an owner can make someone an owner.",
      );
    }
    if (current === "owner") {
      await assertNotLastOwner(tx, input.workspaceId, "The last owner cannot be demoted");
    }
    await tx
      .update(workspaceMembers)
      .set({ role: input.role })
      .where(
        and(
          eq(workspaceMembers.workspaceId, input.workspaceId),
          eq(workspaceMembers.userId, input.userId),
        ),
      );
    await recordMembershipChange(tx, input.workspaceId);
  });
  const member = (await listMembers(db, input.workspaceId)).find(
    (row) => row.userId === input.userId,
  );
  if (!member) throw new AppError("not_found", "That person is not a member of this workspace.");
  return member;
}

/**
 * Removes a member; a member removing themselves leaves. Removing others needs an owner or an
 * admin (an owner only by an owner); the last owner cannot leave or be removed; nobody leaves
 * their personal workspace. Their API keys of this workspace are revoked with it (they already
 * stop working, as keys act only while their creator is a member; revoked, they leave the
 * workspace's key list too). Throws AppError `not_found`, `forbidden`, `conflict`.
 */
export async function removeMember(
  db: Database,
  input: { workspaceId: string; actorId: string; userId: string },
): Promise<void> {
  const leaving = input.actorId === input.userId;
  await db.transaction(async (tx) => {
    const workspace = await lockWorkspace(tx, input.workspaceId);
    if (leaving) {
      const role = await targetRoleOrThrow(tx, input.workspaceId, input.userId);
      if (workspace.personalUserId === input.userId) {
        throw new AppError("conflict", "You cannot leave your personal workspace.");
      }
      if (role === "owner") {
        await assertNotLastOwner(tx, input.workspaceId, "The last owner cannot leave");
      }
    } else {
      const actorRole = await actorRoleOrThrow(
        tx,
        input.workspaceId,
        input.actorId,
        "admin",
        "remove members",
      );
      const role = await targetRoleOrThrow(tx, input.workspaceId, input.userId);
      if (role === "owner" && actorRole !== "owner") {
        throw new AppError("forbidden", "Only an owner can remove an owner.");
      }
      if (workspace.personalUserId === input.userId) {
        throw new AppError("conflict", "The owner of a personal workspace cannot be removed.");
      }
      if (role === "owner") {
        await assertNotLastOwner(tx, input.workspaceId, "The last owner cannot be removed");
      }
    }
    await tx
      .delete(workspaceMembers)
      .where(
        and(
          eq(workspaceMembers.workspaceId, input.workspaceId),
          eq(workspaceMembers.userId, input.userId),
        ),
      );
    await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(apiKeys.workspaceId, input.workspaceId),
          eq(apiKeys.userId, input.userId),
          isNull(apiKeys.revokedAt),
        ),
      );
    await recordMembershipChange(tx, input.workspaceId);
  });
}

/**
 * Hands ownership to another member: they become an owner, the acting owner an admin. Only an
 * owner may; a personal workspace cannot be handed over. Throws AppError `not_found`,
 * `forbidden`, `conflict`, `bad_request` (to oneself).
 */
export async function transferOwnership(
  db: Database,
  input: { workspaceId: string; actorId: string; userId: string },
): Promise<void> {
  if (input.actorId === input.userId) {
    throw new AppError("bad_request", "Choose another member to hand the workspace to.");
  }
  await db.transaction(async (tx) => {
    const workspace = await lockWorkspace(tx, input.workspaceId);
    if (workspace.personalUserId) {
      throw new AppError("conflict", "A personal workspace cannot be handed to someone else.");
    }
    await actorRoleOrThrow(tx, input.workspaceId, input.actorId, "owner", "transfer ownership");
    await targetRoleOrThrow(tx, input.workspaceId, input.userId);
    const member = (userId: string) =>
      and(eq(workspaceMembers.workspaceId, input.workspaceId), eq(workspaceMembers.userId, userId));
    await tx.update(workspaceMembers).set({ role: "owner" }).where(member(input.userId));
    await tx.update(workspaceMembers).set({ role: "admin" }).where(member(input.actorId));
    await recordMembershipChange(tx, input.workspaceId);
  });
}
