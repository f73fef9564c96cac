import "server-only";
import { and, asc, desc, eq, gte, inArray, lt, ne, or, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { descIndexed } from "@/db/order";
import {
  customers,
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
import { type FailedMeterEvents, failedMeterEvents } from "@/lib/usage/failed-meter-events";
import { usedInWindow } from "@/lib/usage/summary";
import { usageWindow, utcMonthOf } from "@/lib/usage/windows";
import { type SeatSummary, seatSummary } from "@/lib/workspaces/seat-summary";
import { isWorkspaceId, type Person, WORKSPACE_COLUMNS, workspaceMrr } from "./customer-workspace";

/**
 * The admin customer page: everything about one workspace (the customer, personal or team) —
 * its members, Stripe customer, subscription, entitlements, invoices, usage, webhook events and
 * usage Stripe refused. Read-only. The list is in customer-list.ts.
 */

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
  /** Members, seats the plan includes, and seats billed, as the workspace's members page counts them. */
  seats: SeatSummary;
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

const ROLE_RANK = sql`case ${workspaceMembers.role} when 'owner' then 0 when 'admin' then 1 else 2 end`;

/** The first `MEMBER_LIST_LIMIT` members, owners first (their count is in the seat summary). */
function membersOf(db: Database, workspaceId: string): Promise<CustomerMember[]> {
  return db
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
    .limit(MEMBER_LIST_LIMIT);
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

  const [members, seats, subscriptionRows, invoiceRows, counted, storage, failed] =
    await Promise.all([
      membersOf(db, workspaceId),
      seatSummary(db, workspaceId),
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
    members,
    memberCount: seats.members,
    customer: stripeCustomerId ? { stripeCustomerId, deletedAt } : null,
    subscription,
    subscriptionCount: subscriptionRows.length,
    seats,
    mrr: workspaceMrr(subscriptionRows, now),
    entitlements: entitlementsFor(subscription, { now, gracePeriodDays }),
    invoices: invoiceRows.map(toInvoiceListItem),
    usagePeriod,
    usage: usage.sort((a, b) => METRICS.indexOf(a.metric) - METRICS.indexOf(b.metric)),
    events,
    failedMeterEvents: failed,
  };
}
