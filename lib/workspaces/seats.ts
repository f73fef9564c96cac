import "server-only";
import type { Database } from "@/db";

/**
 * Seats follow membership. The contract other modules rely on (filled in by the seats work):
 *
 * - `assertMemberRoom(db, workspaceId, adding)`: throws AppError `payment_required` (402, naming
 *   the plan that allows it, with an upgrade link) when `adding` more members would pass the
 *   workspace's plan's member limit (Free: 2). Called before an invitation is created and again,
 *   inside the accepting transaction, before a member is added.
 * - `requestSeatSync(db, workspaceId)`: called in the same transaction as every membership
 *   change (after `membership_version` is bumped); makes sure a durable job brings the Stripe
 *   subscription's quantity to the member count.
 */
export async function assertMemberRoom(
  _db: Database,
  _workspaceId: string,
  _adding: number,
): Promise<void> {}

export async function requestSeatSync(_db: Database, _workspaceId: string): Promise<void> {}
