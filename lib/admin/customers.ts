import "server-only";
import { and, desc, eq, gte, inArray, lt, ne, or, type SQL, sql } from "drizzle-orm";
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
  webhookEvents,
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

/**
 * The admin area's customer queries: a searchable, keyset-paginated list of users with their
 * current subscription, and everything about one user on one page. Read-only.
 */

/** Longest search text accepted; longer is a bad request rather than a silent cut. */
export const MAX_CUSTOMER_QUERY_LENGTH = 200;

export interface CustomerListItem {
  id: string;
  email: string | null;
  name: string | null;
  role: User["role"];
  createdAt: Date;
  stripeCustomerId: string | null;
  /** Set when Stripe reported the customer deleted. */
  stripeCustomerDeletedAt: Date | null;
  /** The subscription `pickCurrentSubscription` chooses; null for a user who never had one. */
  subscription: Pick<
    Subscription,
    "planTier" | "status" | "billingPeriod" | "cancelAtPeriodEnd" | "currentPeriodEnd"
  > | null;
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
    sql`lower(${users.email}) like ${`${escaped}%`}`,
    sql`${users.name} ilike ${`%${escaped}%`}`,
  );
}

/** Walks `user_created_id_idx` (created_at desc, id desc). */
const CUSTOMERS = keyset({ time: users.createdAt, id: users.id }, "key");

/**
 * Users, newest first, `limit` at a time, optionally filtered by `query`: an email that starts
 * with it or a name that contains it, ignoring case. Throws `bad_request` for a malformed
 * cursor or an over-long query. Each user appears once across the pages of one query, even
 * when users sign up between page loads (they appear before the first page's position).
 */
export async function listCustomers(
  db: Database,
  {
    query = "",
    cursor,
    limit = 50,
  }: { query?: string | null; cursor?: string | null; limit?: number },
): Promise<CustomerPage> {
  const after = CUSTOMERS.parse(cursor);
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      createdAt: users.createdAt,
      stripeCustomerId: customers.stripeCustomerId,
      stripeCustomerDeletedAt: customers.deletedAt,
      ...CUSTOMERS.columns,
    })
    .from(users)
    .leftJoin(customers, eq(customers.userId, users.id))
    .where(and(searchCondition(query ?? ""), CUSTOMERS.after(after)))
    .orderBy(...CUSTOMERS.order)
    .limit(limit + 1);

  const page = CUSTOMERS.page(rows, limit);
  const current = await currentSubscriptions(
    db,
    page.rows.map((row) => row.id),
  );
  return {
    data: page.rows.map((row) => {
      const subscription = current.get(row.id);
      return {
        ...row,
        subscription: subscription
          ? {
              planTier: subscription.planTier,
              status: subscription.status,
              billingPeriod: subscription.billingPeriod,
              cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
              currentPeriodEnd: subscription.currentPeriodEnd,
            }
          : null,
      };
    }),
    nextCursor: page.nextCursor,
  };
}

/** Each user's current subscription (by `pickCurrentSubscription`), in one query. */
async function currentSubscriptions(
  db: Database,
  userIds: string[],
): Promise<Map<string, Subscription>> {
  const byUser = new Map<string, Subscription[]>();
  if (userIds.length === 0) return new Map();
  const rows = await db.select().from(subscriptions).where(inArray(subscriptions.userId, userIds));
  for (const row of rows) {
    const list = byUser.get(row.userId);
    if (list) list.push(row);
    else byUser.set(row.userId, [row]);
  }
  const current = new Map<string, Subscription>();
  for (const [userId, list] of byUser) {
    const picked = pickCurrentSubscription(list);
    if (picked) current.set(userId, picked);
  }
  return current;
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

export interface CustomerDetail {
  user: Pick<User, "id" | "email" | "name" | "role" | "createdAt">;
  /** The user's Stripe customer link; null before their first checkout. */
  customer: { stripeCustomerId: string; deletedAt: Date | null } | null;
  /** The subscription that decides entitlements; null for a user who never had one. */
  subscription: Subscription | null;
  /** All of the user's subscription rows, current one included. */
  subscriptionCount: number;
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
  /** Webhook events about the user's Stripe customer(s), newest first, at most `DETAIL_LIST_LIMIT`. */
  events: CustomerEvent[];
  /**
   * The user's usage whose meter event Stripe refused for good (or that was too old to send),
   * with Stripe's reason: never billed. Newest first, at most `DETAIL_LIST_LIMIT`.
   */
  failedMeterEvents: FailedMeterEvents;
}

export const DETAIL_LIST_LIMIT = 20;

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

/**
 * Everything the admin customer page shows about one user, or null for an unknown id.
 * Invoices are the user's own plus any of their Stripe customer not yet linked to a user;
 * events are those naming the user's Stripe customer, or a customer of one of their
 * subscriptions (a customer Stripe deleted and the user replaced). Entitlements are computed
 * from the same subscription rows, as `getEntitlements` does, at `now`.
 */
export async function getCustomerDetail(
  db: Database,
  {
    userId,
    now = new Date(),
    gracePeriodDays = env().BILLING_GRACE_PERIOD_DAYS,
  }: { userId: string; now?: Date; gracePeriodDays?: number },
): Promise<CustomerDetail | null> {
  const [found] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      createdAt: users.createdAt,
      stripeCustomerId: customers.stripeCustomerId,
      deletedAt: customers.deletedAt,
    })
    .from(users)
    .leftJoin(customers, eq(customers.userId, users.id))
    .where(eq(users.id, userId))
    .limit(1);
  if (!found) return null;
  const { stripeCustomerId, deletedAt, ...user } = found;
  const usagePeriod = utcMonthOf(now);

  const [subscriptionRows, invoiceRows, counted, storage, failed] = await Promise.all([
    db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.userId, userId))
      .orderBy(desc(subscriptions.createdAt)),
    db
      .select()
      .from(invoices)
      .where(
        stripeCustomerId
          ? or(eq(invoices.userId, userId), eq(invoices.stripeCustomerId, stripeCustomerId))
          : eq(invoices.userId, userId),
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
          eq(usageRecords.userId, userId),
          ne(usageRecords.metric, LEVEL_METRIC),
          gte(usageRecords.occurredAt, usagePeriod.start),
          lt(usageRecords.occurredAt, usagePeriod.end),
        ),
      )
      .groupBy(usageRecords.metric),
    usedInWindow(db, userId, LEVEL_METRIC, usageWindow(LEVEL_METRIC, now)),
    failedMeterEvents(db, { userId, limit: DETAIL_LIST_LIMIT }),
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
    user,
    customer: stripeCustomerId ? { stripeCustomerId, deletedAt } : null,
    subscription,
    subscriptionCount: subscriptionRows.length,
    entitlements: entitlementsFor(subscription, { now, gracePeriodDays }),
    invoices: invoiceRows.map(toInvoiceListItem),
    usagePeriod,
    usage: usage.sort((a, b) => METRICS.indexOf(a.metric) - METRICS.indexOf(b.metric)),
    events,
    failedMeterEvents: failed,
  };
}
