import "server-only";
import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { type Workspace, type WorkspaceRole, workspaceMembers, workspaces } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { personalSlug, slugFromName, slugSchema, workspaceNameSchema } from "./slug";

/** A workspace as one of its members sees it. */
export interface WorkspaceMembership {
  workspace: Workspace;
  role: WorkspaceRole;
}

/**
 * The user's personal workspace, created (with them as its owner) when they have none: at
 * sign-up, and for any user row made another way. Idempotent and safe under concurrency.
 */
export async function ensurePersonalWorkspace(db: Database, userId: string): Promise<Workspace> {
  const [existing] = await db
    .select()
    .from(workspaces)
    .where(eq(workspaces.personalUserId, userId));
  if (existing) return existing;
  return db.transaction(async (tx) => {
    await tx
      .insert(workspaces)
      .values({ name: "Personal", slug: personalSlug(userId), personalUserId: userId })
      .onConflictDoNothing();
    const [workspace] = await tx
      .select()
      .from(workspaces)
      .where(eq(workspaces.personalUserId, userId));
    if (!workspace) throw new AppError("not_found", "No such user.");
    await tx
      .insert(workspaceMembers)
      .values({ workspaceId: workspace.id, userId, role: "owner" })
      .onConflictDoNothing();
    return workspace;
  });
}

/** Creates a team workspace owned by `userId`. 409 when the slug is taken. */
export async function createWorkspace(
  db: Database,
  input: { userId: string; name: unknown; slug?: unknown },
): Promise<Workspace> {
  const name = workspaceNameSchema.parse(input.name);
  const slug = slugSchema.parse(
    input.slug === undefined || input.slug === "" ? slugFromName(name) : input.slug,
  );
  if (slug.startsWith("personal-")) {
    throw new AppError("validation_failed", "Addresses starting with “personal-” are reserved.", {
      details: { fields: [{ path: "slug", message: "This address is reserved" }] },
    });
  }
  return db.transaction(async (tx) => {
    const [workspace] = await tx
      .insert(workspaces)
      .values({ name, slug })
      .onConflictDoNothing({ target: workspaces.slug })
      .returning();
    if (!workspace) {
      throw new AppError("conflict", `The address “${slug}” is taken. Choose another.`, {
        details: { fields: [{ path: "slug", message: "This address is taken" }] },
      });
    }
    await tx
      .insert(workspaceMembers)
      .values({ workspaceId: workspace.id, userId: input.userId, role: "owner" });
    return workspace;
  });
}

/** The user's workspaces with their role in each: personal first, then by name. */
export async function listWorkspacesOf(
  db: Database,
  userId: string,
): Promise<WorkspaceMembership[]> {
  const rows = await db
    .select({ workspace: workspaces, role: workspaceMembers.role })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(eq(workspaceMembers.userId, userId))
    .orderBy(
      desc(sql`${workspaces.personalUserId} is not null`),
      asc(workspaces.name),
      asc(workspaces.slug),
    );
  return rows;
}

/** The user's membership of the workspace at `slug`, or null (no such workspace, or not a member). */
export async function findMembership(
  db: Database,
  input: { userId: string; slug: string },
): Promise<WorkspaceMembership | null> {
  const [row] = await db
    .select({ workspace: workspaces, role: workspaceMembers.role })
    .from(workspaces)
    .innerJoin(
      workspaceMembers,
      and(
        eq(workspaceMembers.workspaceId, workspaces.id),
        eq(workspaceMembers.userId, input.userId),
      ),
    )
    .where(eq(workspaces.slug, input.slug.toLowerCase()));
  return row ?? null;
}

/** Members of a workspace: what its seats count (pending invitations do not). */
export async function memberCount(db: Database, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ members: count() })
    .from(workspaceMembers)
    .where(eq(workspaceMembers.workspaceId, workspaceId));
  return row?.members ?? 0;
}

/**
 * Locks the workspace row for the rest of the transaction: every membership change of one
 * workspace waits for the one before. `no key update`: strong enough to serialise the changes,
 * while a new member row's foreign key (a key-share lock on the row) is not held up, so a
 * change that inserts before it locks cannot deadlock against one that locks first. 404 when
 * the workspace is gone.
 */
export async function lockWorkspace(tx: Database, workspaceId: string): Promise<Workspace> {
  const [workspace] = await tx
    .select()
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
    .for("no key update");
  if (!workspace) throw new AppError("not_found", "This workspace no longer exists.");
  return workspace;
}
