import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db";
import { type SubscriptionStatus, subscriptions } from "@/db/schema";
import { isPaidTier, type PaidPlanTier } from "@/lib/billing/catalog/plans";
import { pickCurrentSubscription, type SubscriptionRow } from "@/lib/billing/entitlements";

/** Statuses of a subscription that bills its seats: the quantity follows the members. */
export const SEAT_BILLED_STATUSES = [
  "active",
  "trialing",
  "past_due",
] as const satisfies readonly SubscriptionStatus[];

export type SeatBilledSubscription = SubscriptionRow & { planTier: PaidPlanTier };

/**
 * The workspace's paid subscription whose quantity is its seats, from the mirror: active,
 * trialing or past_due on a paid plan (the current one when there are several:
 * `pickCurrentSubscription`). Null on Free.
 */
export async function seatBilledSubscription(
  db: Database,
  workspaceId: string,
): Promise<SeatBilledSubscription | null> {
  const rows = await db
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.workspaceId, workspaceId),
        inArray(subscriptions.status, [...SEAT_BILLED_STATUSES]),
      ),
    );
  const row = pickCurrentSubscription(rows.filter((candidate) => isPaidTier(candidate.planTier)));
  return row && isSeatBilled(row) ? row : null;
}

function isSeatBilled(row: SubscriptionRow): row is SeatBilledSubscription {
  return isPaidTier(row.planTier);
}
