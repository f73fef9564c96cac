import "server-only";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { subscriptions, workspaceMembers } from "@/db/schema";
import { SEAT_BILLED_STATUSES } from "./seat-subscription";

/**
 * Workspaces whose mirrored paid subscription bills another number of seats than they have
 * members: a seat job that died after its retries, a change Stripe refused, or a mirror still
 * behind, or a member who joined while the workspace's Checkout was open (the subscription then
 * starts with the count the session was created with). The replay and reconcile jobs ask for
 * their seat jobs again, so no membership change is lost for longer than a replay period even
 * when its own job was; `stripeCustomerId` narrows it to one customer, as the webhook job does
 * after each mirror update.
 */
export async function workspacesWithSeatDrift(
  db: Database,
  { stripeCustomerId }: { stripeCustomerId?: string } = {},
): Promise<string[]> {
  const members = sql<number>`(select count(*) from ${workspaceMembers} where ${workspaceMembers.workspaceId} = ${subscriptions.workspaceId})`;
  const rows = await db
    .selectDistinct({ workspaceId: subscriptions.workspaceId })
    .from(subscriptions)
    .where(
      and(
        inArray(subscriptions.status, [...SEAT_BILLED_STATUSES]),
        ne(subscriptions.planTier, "free"),
        ne(subscriptions.quantity, members),
        stripeCustomerId ? eq(subscriptions.stripeCustomerId, stripeCustomerId) : undefined,
      ),
    );
  return rows.map((row) => row.workspaceId);
}
