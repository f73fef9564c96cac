import "server-only";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "@/db";
import { workspaces } from "@/db/schema";

/**
 * The workspace a Stripe customer's metadata names, if it exists: `workspaceId`, set on every
 * customer Tollgate creates; else `userId`, set on customers created before workspaces owned
 * billing, which belong to that user's personal workspace.
 */
export async function claimedWorkspace(
  db: Database,
  metadata: Stripe.Metadata | null | undefined,
): Promise<string | null> {
  const workspaceId = metadata?.workspaceId;
  if (workspaceId && UUID.test(workspaceId)) {
    const [row] = await db
      .select({ id: workspaces.id })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId));
    return row?.id ?? null;
  }
  const userId = metadata?.userId;
  if (!userId) return null;
  const [row] = await db
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(eq(workspaces.personalUserId, userId));
  return row?.id ?? null;
}

/** True when the metadata names a workspace or (before workspaces) a user. */
export function claimsOwner(metadata: Stripe.Metadata | null | undefined): boolean {
  return Boolean(metadata?.workspaceId || metadata?.userId);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
