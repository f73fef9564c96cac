import "server-only";
import type { Database } from "@/db";
import { extraSeats, includedSeats, memberLimit, type PlanTier } from "@/lib/billing/catalog/plans";
import { getEntitlements } from "@/lib/billing/entitlements";
import { seatBilledSubscription } from "./seat-subscription";
import { memberCount } from "./workspaces";

/** A workspace's seats as its members page shows them. */
export interface SeatSummary {
  /** The plan the seats are counted against: the paid plan billed, else the entitlements'. */
  tier: PlanTier;
  /** Members now (pending invitations are not seats). */
  members: number;
  /** Members the plan takes without an extra charge (Free: its cap). */
  included: number;
  /** The most members the plan allows; null on a plan billed per seat. */
  limit: number | null;
  /** The quantity the paid subscription bills, as mirrored from Stripe; null on Free. */
  billed: number | null;
  /** Seats billed beyond the included ones; null on Free. */
  billedExtra: number | null;
}

/**
 * Seats used, included and billed. `billed` is what Stripe bills (the mirror's quantity), so for
 * the seconds between a membership change and its seat job it may differ from `members`.
 */
export async function seatSummary(db: Database, workspaceId: string): Promise<SeatSummary> {
  const members = await memberCount(db, workspaceId);
  const subscription = await seatBilledSubscription(db, workspaceId);
  const tier = subscription?.planTier ?? (await getEntitlements(db, workspaceId)).tier;
  const billed = subscription?.quantity ?? null;
  return {
    tier,
    members,
    included: includedSeats(tier),
    limit: memberLimit(tier),
    billed,
    billedExtra: billed === null ? null : extraSeats(tier, billed),
  };
}
