import "server-only";
import { and, asc, count, desc, eq, gte, inArray, lt, ne, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { descIndexed } from "@/db/order";
import {
  customers,
  ENDED_SUBSCRIPTION_STATUSES,
  type Invoice,
  invoices,
  type Subscription,
  subscriptions,
  type User,
  usageRecords,
  users,
  type WebhookEvent,
  type Workspace,
  type WorkspaceRole,
  webhookEvents,
  workspaceMembers,
  workspaces,
} from "@/db/schema";
import { METRICS, type Metric } from "@/lib/billing/catalog/plans";
import {
  type Entitlements,
  entitlementsFor,
  pickCurrentSubscription,
} from "@/lib/billing/entitlements";
import type { InvoiceListItem } from "@/lib/billing/invoices";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { keyset } from "@/lib/http/cursor";
import { type FailedMeterEvents, failedMeterEvents } from "@/lib/usage/failed-meter-events";
import { usedInWindow } from "@/lib/usage/summary";
import { usageWindow, utcMonthOf } from "@/lib/usage/windows";
import { isPayingAt, monthlyAmountOf } from "./metrics";

/**
 * The admin area's customer queries. The customer is the workspace (personal and team alike):
 * a searchable, keyset-paginated list of workspaces with their owner, members, current
 * subscription, billed seats and MRR, and everything about one workspace on one page.
 * Read-only.
 */

/** Longest search text accepted; longer is a bad request rather than a silent cut. */
export const MAX_CUSTOMER_QUERY_LENGTH = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can be a workspace id (a uuid): anything else is answered without a query. */
export function isWorkspaceId(id: string): boolean {
  return UUID.test(id);
}

export type Person = Pick<User, "id" | "email" | "name">;

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

/** A workspace with its Stripe customer link (`workspaces` left-joined to `customers`). */
const WORKSPACE_COLUMNS = {
  id: workspaces.id,
  name: workspaces.name,
  slug: workspaces.slug,
  personalUserId: workspaces.personalUserId,
  createdAt: workspaces.createdAt,
  stripeCustomerId: customers.stripeCustomerId,
  stripeCustomerDeletedAt: customers.deletedAt,
};

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

/**
 * The seats the current subscription bills: its mirrored quantity, while it has not ended for
 * good (a trial or an unpaid one will bill them); null without one.
 */
function billedSeatsOf(current: Subscription | null): number | null {
  if (!current) return null;
  const ended = (ENDED_SUBSCRIPTION_STATUSES as readonly string[]).includes(current.status);
  return ended ? null : current.quantity;
}

/** The dashboard's MRR restricted to one workspace's rows (lib/admin/metrics.ts). */
function workspaceMrr(rows: readonly Subscription[], now: Date): number {
  const exact = rows
    .filter((row) => isPayingAt(row, now))
    .reduce((total, row) => total + monthlyAmountOf(row), 0);
  return Math.round(exact);
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

// ---------------------------------------------------------------------------------------------
// One customer

export interface CustomerUsage {
  metric: Metric;
  /** `count`: summed over the month; `level`: the latest reported value (storage). */
  kind: "count" | "level";
  quantity: number;
}

/** Storage is reported as a level, so adding reports up would be meaningless. */
const LEVEL_METRIC = "storage_bytes" satisfies Metric;

export type CustomerEvent = Pick<
  WebhookEvent,
  "id" | "type" | "status" | "created" | "receivedAt" | "processedAt" | "attempts" | "lastError"
>;

export interface CustomerMember extends Person {
  /** The person's site role (admin or user), which the detail page can change. */
  siteRole: User["role"];
  /** Their role in the workspace. */
  role: WorkspaceRole;
  joinedAt: Date;
}

export interface CustomerDetail {
  workspace: Pick<Workspace, "id" | "name" | "slug" | "createdAt"> & {
    /** The user whose personal workspace this is; null for a team workspace. */
    personalUserId: string | null;
  };
  /** Owners first, then admins, then members; longest-standing first; at most `MEMBER_LIST_LIMIT`. */
  members: CustomerMember[];
  memberCount: number;
  /** The workspace's Stripe customer link; null before its first checkout. */
  customer: { stripeCustomerId: string; deletedAt: Date | null } | null;
  /** The subscription that decides entitlements; null for a workspace that never had one. */
  subscription: Subscription | null;
  /** All of the workspace's subscription rows, current one included. */
  subscriptionCount: number;
  /** As on the list: the current subscription's quantity while it has not ended, else null. */
  billedSeats: number | null;
  /** As on the list: the monthly amounts of its subscriptions paying at `now`, rounded once. */
  mrr: number;
  entitlements: Entitlements;
  /** The newest invoices (by Stripe's `created`), at most `DETAIL_LIST_LIMIT`. */
  invoices: InvoiceListItem[];
  /** The current UTC calendar month: [start, end). */
  usagePeriod: { start: Date; end: Date };
  /**
   * Per metric, in catalog order: counted metrics summed over `usagePeriod` (absent when none
   * were recorded in it); storage as its latest reported level (absent while zero or never
   * reported).
   */
  usage: CustomerUsage[];
  /** Webhook events about the workspace's Stripe customer(s), newest first, at most `DETAIL_LIST_LIMIT`. */
  events: CustomerEvent[];
  /**
   * The workspace's usage whose meter event Stripe refused for good (or that was too old to
   * send), with Stripe's reason: never billed. Newest first, at most `DETAIL_LIST_LIMIT`.
   */
  failedMeterEvents: FailedMeterEvents;
}

export const DETAIL_LIST_LIMIT = 20;
export const MEMBER_LIST_LIMIT = 100;

function toInvoiceListItem(row: Invoice): InvoiceListItem {
  return {
    id: row.stripeInvoiceId,
    number: row.number,
    status: row.status,
    currency: row.currency,
    total: row.total,
    amountDue: row.amountDue,
    amountPaid: row.amountPaid,
    created: row.created.toISOString(),
    periodStart: row.periodStart?.toISOString() ?? null,
    periodEnd: row.periodEnd?.toISOString() ?? null,
    hostedInvoiceUrl: row.hostedInvoiceUrl,
    invoicePdf: row.invoicePdf,
  };
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

const ROLE_RANK = sql`case ${workspaceMembers.role} when 'owner' then 0 when 'admin' then 1 else 2 end`;

async function membersOf(
  db: Database,
  workspaceId: string,
): Promise<{ members: CustomerMember[]; memberCount: number }> {
  const [members, [total]] = await Promise.all([
    db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        siteRole: users.role,
        role: workspaceMembers.role,
        joinedAt: workspaceMembers.createdAt,
      })
      .from(workspaceMembers)
      .innerJoin(users, eq(users.id, workspaceMembers.userId))
      .where(eq(workspaceMembers.workspaceId, workspaceId))
      .orderBy(ROLE_RANK, asc(workspaceMembers.createdAt), asc(users.id))
      .limit(MEMBER_LIST_LIMIT),
    db
      .select({ count: count() })
      .from(workspaceMembers)
      .where(eq(workspaceMembers.workspaceId, workspaceId)),
  ]);
  return { members, memberCount: total?.count ?? 0 };
}

/**
 * Everything the admin customer page shows about one workspace, or null for an unknown id (or
 * one that is not a uuid). Invoices are the workspace's own plus any of its Stripe customer not
 * yet linked to it; events are those naming its Stripe customer, or a customer of one of its
 * subscriptions (a customer Stripe deleted and the workspace replaced). Entitlements are
 * computed from the same subscription rows, as `getEntitlements` does, at `now`.
 */
export async function getCustomerDetail(
  db: Database,
  {
    workspaceId,
    now = new Date(),
    gracePeriodDays = env().BILLING_GRACE_PERIOD_DAYS,
  }: { workspaceId: string; now?: Date; gracePeriodDays?: number },
): Promise<CustomerDetail | null> {
  if (!isWorkspaceId(workspaceId)) return null;
  const [found] = await db
    .select(WORKSPACE_COLUMNS)
    .from(workspaces)
    .leftJoin(customers, eq(customers.workspaceId, workspaces.id))
    .where(eq(workspaces.id, workspaceId))
    .limit(1);
  if (!found) return null;
  const { stripeCustomerId, stripeCustomerDeletedAt: deletedAt, ...workspace } = found;
  const usagePeriod = utcMonthOf(now);

  const [members, subscriptionRows, invoiceRows, counted, storage, failed] = await Promise.all([
    membersOf(db, workspaceId),
    db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.workspaceId, workspaceId))
      .orderBy(desc(subscriptions.createdAt)),
    db
      .select()
      .from(invoices)
      .where(
        stripeCustomerId
          ? or(
              eq(invoices.workspaceId, workspaceId),
              eq(invoices.stripeCustomerId, stripeCustomerId),
            )
          : eq(invoices.workspaceId, workspaceId),
      )
      .orderBy(descIndexed(invoices.created), descIndexed(invoices.id))
      .limit(DETAIL_LIST_LIMIT),
    db
      .select({
        metric: usageRecords.metric,
        quantity: sql<number>`sum(${usageRecords.quantity})`.mapWith(Number),
      })
      .from(usageRecords)
      .where(
        and(
          eq(usageRecords.workspaceId, workspaceId),
          ne(usageRecords.metric, LEVEL_METRIC),
          gte(usageRecords.occurredAt, usagePeriod.start),
          lt(usageRecords.occurredAt, usagePeriod.end),
        ),
      )
      .groupBy(usageRecords.metric),
    usedInWindow(db, workspaceId, LEVEL_METRIC, usageWindow(LEVEL_METRIC, now)),
    failedMeterEvents(db, { workspaceId, limit: DETAIL_LIST_LIMIT }),
  ]);
  const usage: CustomerUsage[] = counted.map((row) => ({ ...row, kind: "count" }));
  if (storage > 0) usage.push({ metric: LEVEL_METRIC, kind: "level", quantity: storage });

  const customerIds = new Set(subscriptionRows.map((row) => row.stripeCustomerId));
  if (stripeCustomerId) customerIds.add(stripeCustomerId);
  const events =
    customerIds.size === 0
      ? []
      : await db
          .select({
            id: webhookEvents.id,
            type: webhookEvents.type,
            status: webhookEvents.status,
            created: webhookEvents.created,
            receivedAt: webhookEvents.receivedAt,
            processedAt: webhookEvents.processedAt,
            attempts: webhookEvents.attempts,
            lastError: webhookEvents.lastError,
          })
          .from(webhookEvents)
          .where(inArray(webhookEvents.stripeCustomerId, [...customerIds]))
          .orderBy(descIndexed(webhookEvents.created), descIndexed(webhookEvents.id))
          .limit(DETAIL_LIST_LIMIT);

  const subscription = pickCurrentSubscription(subscriptionRows);
  return {
    workspace,
    ...members,
    customer: stripeCustomerId ? { stripeCustomerId, deletedAt } : null,
    subscription,
    subscriptionCount: subscriptionRows.length,
    billedSeats: billedSeatsOf(subscription),
    mrr: workspaceMrr(subscriptionRows, now),
    entitlements: entitlementsFor(subscription, { now, gracePeriodDays }),
    invoices: invoiceRows.map(toInvoiceListItem),
    usagePeriod,
    usage: usage.sort((a, b) => METRICS.indexOf(a.metric) - METRICS.indexOf(b.metric)),
    events,
    failedMeterEvents: failed,
  };
}
