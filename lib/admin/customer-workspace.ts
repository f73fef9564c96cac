import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { customers, type Subscription, type User, type Workspace, workspaces } from "@/db/schema";
import { isPaidTier } from "@/lib/billing/catalog/plans";
import { AppError } from "@/lib/errors";
import { SEAT_BILLED_STATUSES } from "@/lib/workspaces/seat-subscription";
import { isPayingAt, monthlyAmountOf } from "./metrics";

/**
 * The workspace as the admin area's customer: finding it by id (or by a user's id, for the
 * customer addresses that named users before workspaces), and the facts the customer list and
 * page share — its Stripe customer link, billed seats and MRR.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can be a workspace id (a uuid): anything else is answered without a query. */
export function isWorkspaceId(id: string): boolean {
  return UUID.test(id);
}

export type Person = Pick<User, "id" | "email" | "name">;

/** A workspace with its Stripe customer link (`workspaces` left-joined to `customers`). */
export const WORKSPACE_COLUMNS = {
  id: workspaces.id,
  name: workspaces.name,
  slug: workspaces.slug,
  personalUserId: workspaces.personalUserId,
  createdAt: workspaces.createdAt,
  stripeCustomerId: customers.stripeCustomerId,
  stripeCustomerDeletedAt: customers.deletedAt,
};

/**
 * The seats the current subscription bills: its mirrored quantity while it bills seats (a paid
 * plan, active, trialing or past_due: lib/workspaces/seat-subscription.ts, as the members page
 * counts them); null otherwise.
 */
export function billedSeatsOf(current: Subscription | null): number | null {
  if (!current || !isPaidTier(current.planTier)) return null;
  const billing = (SEAT_BILLED_STATUSES as readonly string[]).includes(current.status);
  return billing ? current.quantity : null;
}

/** The dashboard's MRR restricted to one workspace's rows (lib/admin/metrics.ts). */
export function workspaceMrr(rows: readonly Subscription[], now: Date): number {
  const exact = rows
    .filter((row) => isPayingAt(row, now))
    .reduce((total, row) => total + monthlyAmountOf(row), 0);
  return Math.round(exact);
}

/** The id of the user's personal workspace, or null (no such user, or none made yet). */
export async function personalWorkspaceIdOf(db: Database, userId: string): Promise<string | null> {
  const [row] = await db
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(eq(workspaces.personalUserId, userId));
  return row?.id ?? null;
}

/** The workspace an admin action names, by id; `not_found` (404) when there is none. */
export async function adminWorkspaceOrThrow(
  db: Database,
  id: string,
): Promise<Pick<Workspace, "id" | "name" | "slug">> {
  const [row] = isWorkspaceId(id)
    ? await db
        .select({ id: workspaces.id, name: workspaces.name, slug: workspaces.slug })
        .from(workspaces)
        .where(eq(workspaces.id, id))
    : [];
  if (!row) throw new AppError("not_found", "No such workspace.");
  return row;
}
