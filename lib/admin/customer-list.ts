import "server-only";
import { and, asc, count, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "@/db";
import {
  customers,
  type Subscription,
  subscriptions,
  users,
  workspaceMembers,
  workspaces,
} from "@/db/schema";
import { pickCurrentSubscription } from "@/lib/billing/entitlements";
import { AppError } from "@/lib/errors";
import { keyset } from "@/lib/http/cursor";
import { billedSeatsOf, type Person, WORKSPACE_COLUMNS, workspaceMrr } from "./customer-workspace";

/**
 * The admin customer list. The customer is the workspace (personal and team alike): a
 * searchable, keyset-paginated list of workspaces with their owner, members, current
 * subscription, billed seats and MRR. Read-only.
 */

/** Longest search text accepted; longer is a bad request rather than a silent cut. */
export const MAX_CUSTOMER_QUERY_LENGTH = 200;

export type CurrentSubscription = Pick<
  Subscription,
  "planTier" | "status" | "billingPeriod" | "cancelAtPeriodEnd" | "currentPeriodEnd" | "quantity"
>;

export interface CustomerListItem {
  /** The workspace's id. */
  id: string;
  name: string;
  slug: string;
  /** A user's personal workspace, as opposed to a team workspace. */
  personal: boolean;
  createdAt: Date;
  /** The longest-standing owner; null only for a workspace left without one. */
  owner: Person | null;
  members: number;
  stripeCustomerId: string | null;
  /** Set when Stripe reported the customer deleted. */
  stripeCustomerDeletedAt: Date | null;
  /** The subscription `pickCurrentSubscription` chooses; null for a workspace that never had one. */
  subscription: CurrentSubscription | null;
  /** Seats Stripe bills (the current subscription's quantity); null without a live subscription. */
  billedSeats: number | null;
  /** The monthly amounts of the workspace's subscriptions paying now, in cents, rounded once. */
  mrr: number;
}

export interface CustomerPage {
  data: CustomerListItem[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** `text` for LIKE, with its wildcards taken literally (backslash is Postgres's LIKE escape). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * A workspace whose name contains the text, whose slug starts with it, or that has a member
 * (its owners included) whose email starts with it, ignoring case. The members are found first
 * through `user_email_pattern_idx` and `workspace_members_user_idx`, then tested by hash.
 */
function searchCondition(query: string): SQL | undefined {
  const text = query.trim();
  if (text.length > MAX_CUSTOMER_QUERY_LENGTH) {
    throw new AppError(
      "bad_request",
      `Search for at most ${MAX_CUSTOMER_QUERY_LENGTH} characters.`,
    );
  }
  if (!text) return undefined;
  const escaped = escapeLike(text.toLowerCase());
  return or(
    sql`${workspaces.name} ilike ${`%${escaped}%`}`,
    sql`${workspaces.slug} like ${`${escaped}%`}`,
    sql`${workspaces.id} in (select ${workspaceMembers.workspaceId} from ${workspaceMembers}
      inner join ${users} on ${users.id} = ${workspaceMembers.userId}
      where lower(${users.email}) like ${`${escaped}%`})`,
  );
}

/** Walks `workspaces_created_id_idx` (created_at desc, id desc). */
const CUSTOMERS = keyset({ time: workspaces.createdAt, id: workspaces.id }, "uuid");

/**
 * Workspaces, newest first, `limit` at a time, optionally filtered by `query` (see
 * `searchCondition`). Throws `bad_request` for a malformed cursor or an over-long query. Each
 * workspace appears once across the pages of one query, even when workspaces are created
 * between page loads (they appear before the first page's position). MRR is taken at `now`.
 */
export async function listCustomers(
  db: Database,
  {
    query = "",
    cursor,
    limit = 50,
    now = new Date(),
  }: { query?: string | null; cursor?: string | null; limit?: number; now?: Date },
): Promise<CustomerPage> {
  const after = CUSTOMERS.parse(cursor);
  const rows = await db
    .select({ ...WORKSPACE_COLUMNS, ...CUSTOMERS.columns })
    .from(workspaces)
    .leftJoin(customers, eq(customers.workspaceId, workspaces.id))
    .where(and(searchCondition(query ?? ""), CUSTOMERS.after(after)))
    .orderBy(...CUSTOMERS.order)
    .limit(limit + 1);

  const page = CUSTOMERS.page(rows, limit);
  const ids = page.rows.map((row) => row.id);
  const [subscriptionsOf, membersOf] = await Promise.all([
    subscriptionsByWorkspace(db, ids),
    memberFacts(db, ids),
  ]);
  return {
    data: page.rows.map(({ personalUserId, ...row }) => {
      const rows = subscriptionsOf.get(row.id) ?? [];
      const current = pickCurrentSubscription(rows);
      const members = membersOf.get(row.id);
      return {
        ...row,
        personal: personalUserId !== null,
        owner: members?.owner ?? null,
        members: members?.count ?? 0,
        subscription: current && currentSubscription(current),
        billedSeats: billedSeatsOf(current),
        mrr: workspaceMrr(rows, now),
      };
    }),
    nextCursor: page.nextCursor,
  };
}

function currentSubscription(row: Subscription): CurrentSubscription {
  return {
    planTier: row.planTier,
    status: row.status,
    billingPeriod: row.billingPeriod,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    currentPeriodEnd: row.currentPeriodEnd,
    quantity: row.quantity,
  };
}

/** Every subscription row of each workspace, in one query. */
async function subscriptionsByWorkspace(
  db: Database,
  workspaceIds: string[],
): Promise<Map<string, Subscription[]>> {
  const byWorkspace = new Map<string, Subscription[]>();
  if (workspaceIds.length === 0) return byWorkspace;
  const rows = await db
    .select()
    .from(subscriptions)
    .where(inArray(subscriptions.workspaceId, workspaceIds));
  for (const row of rows) {
    const list = byWorkspace.get(row.workspaceId);
    if (list) list.push(row);
    else byWorkspace.set(row.workspaceId, [row]);
  }
  return byWorkspace;
}

/** Each workspace's member count and longest-standing owner, in two queries. */
async function memberFacts(
  db: Database,
  workspaceIds: string[],
): Promise<Map<string, { count: number; owner: Person | null }>> {
  const facts = new Map<string, { count: number; owner: Person | null }>();
  if (workspaceIds.length === 0) return facts;
  const [counts, owners] = await Promise.all([
    db
      .select({ workspaceId: workspaceMembers.workspaceId, count: count() })
      .from(workspaceMembers)
      .where(inArray(workspaceMembers.workspaceId, workspaceIds))
      .groupBy(workspaceMembers.workspaceId),
    db
      .select({
        workspaceId: workspaceMembers.workspaceId,
        id: users.id,
        email: users.email,
        name: users.name,
      })
      .from(workspaceMembers)
      .innerJoin(users, eq(users.id, workspaceMembers.userId))
      .where(
        and(
          inArray(workspaceMembers.workspaceId, workspaceIds),
          eq(workspaceMembers.role, "owner"),
        ),
      )
      .orderBy(asc(workspaceMembers.createdAt), asc(users.id)),
  ]);
  for (const row of counts) facts.set(row.workspaceId, { count: row.count, owner: null });
  for (const { workspaceId, ...owner } of owners) {
    const fact = facts.get(workspaceId);
    if (fact && !fact.owner) fact.owner = owner;
  }
  return facts;
}
