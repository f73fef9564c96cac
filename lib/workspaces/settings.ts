import "server-only";
import { and, eq, notInArray } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { subscriptions, type Workspace, workspaces } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { slugSchema, workspaceNameSchema } from "./slug";
import { lockWorkspace } from "./workspaces";

export const updateWorkspaceSchema = z
  .object({ name: workspaceNameSchema.optional(), slug: slugSchema.optional() })
  .refine((input) => input.name !== undefined || input.slug !== undefined, {
    message: "Send a new name, a new slug, or both",
  });

const reservedSlug = () =>
  new AppError("validation_failed", "Addresses starting with “personal-” are reserved.", {
    details: { fields: [{ path: "slug", message: "This address is reserved" }] },
  });

/**
 * Renames a workspace or gives it a new address (the caller has checked the role). A personal
 * workspace keeps its address; a team workspace cannot take a `personal-` one. 409 when the
 * address is taken.
 */
export async function updateWorkspace(
  db: Database,
  workspace: Workspace,
  input: unknown,
): Promise<Workspace> {
  const { name, slug } = updateWorkspaceSchema.parse(input);
  if (slug !== undefined && slug !== workspace.slug) {
    if (workspace.personalUserId) {
      throw new AppError("conflict", "A personal workspace keeps its address.", {
        details: { fields: [{ path: "slug", message: "A personal workspace keeps its address" }] },
      });
    }
    if (slug.startsWith("personal-")) throw reservedSlug();
  }
  const [updated] = await db
    .update(workspaces)
    .set({ ...(name === undefined ? {} : { name }), ...(slug === undefined ? {} : { slug }) })
    .where(eq(workspaces.id, workspace.id))
    .returning()
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) {
        throw new AppError("conflict", `The address “${slug}” is taken. Choose another.`, {
          details: { fields: [{ path: "slug", message: "This address is taken" }] },
        });
      }
      throw error;
    });
  if (!updated) throw new AppError("not_found", "This workspace no longer exists.");
  return updated;
}

function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ("code" in current && current.code === "23505") return true;
  }
  return false;
}

/** Subscription statuses that no longer keep a workspace from being deleted. */
const OVER = ["canceled", "incomplete_expired", "incomplete"] as const;

/**
 * The status of a subscription that keeps the workspace from being deleted (active, trialing,
 * past due, unpaid, paused), or null.
 */
export async function liveSubscriptionStatus(
  db: Database,
  workspaceId: string,
): Promise<string | null> {
  const [live] = await db
    .select({ status: subscriptions.status })
    .from(subscriptions)
    .where(
      and(eq(subscriptions.workspaceId, workspaceId), notInArray(subscriptions.status, [...OVER])),
    )
    .limit(1);
  return live?.status ?? null;
}

/** Why a workspace with a live subscription cannot be deleted yet. */
export function deleteRefusal(status: string): string {
  return `This workspace has a${/^[aeiou]/.test(status) ? "n" : ""} ${status.replace("_", " ")} subscription. Cancel it, and delete the workspace once it has ended.`;
}

/**
 * Deletes a team workspace with everything it owns (members, invitations, its customer row,
 * subscriptions, invoices, usage, API keys). Refused (409) for a personal workspace and while a
 * subscription of it is live: cancel it and delete the workspace once it has ended. The
 * workspace row is locked, so membership changes wait and then find it gone.
 */
export async function deleteWorkspace(db: Database, workspaceId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const workspace = await lockWorkspace(tx, workspaceId);
    if (workspace.personalUserId) {
      throw new AppError("conflict", "Your personal workspace cannot be deleted.");
    }
    const live = await liveSubscriptionStatus(tx, workspaceId);
    if (live) throw new AppError("conflict", deleteRefusal(live));
    await tx.delete(workspaces).where(eq(workspaces.id, workspaceId));
  });
}
