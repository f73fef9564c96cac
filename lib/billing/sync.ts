import "server-only";
import { and, eq, lte, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "@/db";
import {
  customers,
  INVOICE_STATUSES,
  type InvoiceStatus,
  invoices,
  SUBSCRIPTION_STATUSES,
  type SubscriptionStatus,
  subscriptions,
  users,
} from "@/db/schema";
import { log } from "@/lib/log";
import { type BillingPeriod, type PlanTier, planByLookupKey } from "./plans";

/**
 * What Stripe says about one customer, fetched at `version` (milliseconds, taken before the
 * first request).
 */
export interface CustomerSnapshot {
  version: number;
  customer: Stripe.Customer | Stripe.DeletedCustomer;
  subscriptions: Stripe.Subscription[];
  invoices: Stripe.Invoice[];
}

/** Invoices newer than this many are left as they are in the mirror (older ones rarely change). */
const INVOICE_WINDOW = 100;

/** Reads the customer, all its subscriptions and its recent invoices from Stripe. */
export async function fetchCustomerSnapshot(
  stripe: Stripe,
  stripeCustomerId: string,
): Promise<CustomerSnapshot> {
  const version = Date.now();
  const customer = await stripe.customers.retrieve(stripeCustomerId);
  const found: Stripe.Subscription[] = [];
  for await (const subscription of stripe.subscriptions.list({
    customer: stripeCustomerId,
    status: "all",
    limit: 100,
  })) {
    found.push(subscription);
  }
  const recent = await stripe.invoices.list({ customer: stripeCustomerId, limit: INVOICE_WINDOW });
  return { version, customer, subscriptions: found, invoices: recent.data };
}

function isSubscriptionStatus(status: string): status is SubscriptionStatus {
  return (SUBSCRIPTION_STATUSES as readonly string[]).includes(status);
}

function isInvoiceStatus(status: string | null): status is InvoiceStatus {
  return status !== null && (INVOICE_STATUSES as readonly string[]).includes(status);
}

const toDate = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? null : new Date(seconds * 1000);

/** The plan a subscription is on: the first item whose price's lookup key is in the catalog. */
export function planOfSubscription(subscription: Stripe.Subscription): {
  tier: PlanTier;
  period: BillingPeriod | null;
  item: Stripe.SubscriptionItem | null;
} {
  for (const item of subscription.items.data) {
    const found = planByLookupKey(item.price.lookup_key);
    if (found) return { tier: found.plan.tier, period: found.period, item };
  }
  return { tier: "free", period: null, item: subscription.items.data[0] ?? null };
}

/** The user a Stripe customer belongs to: our link first, else `metadata.userId` if it exists. */
async function linkedUserId(
  db: Database,
  customer: Stripe.Customer,
  version: number,
): Promise<string | null> {
  const [linked] = await db
    .select({ userId: customers.userId })
    .from(customers)
    .where(eq(customers.stripeCustomerId, customer.id));
  if (linked) return linked.userId;
  const claimed = customer.metadata.userId;
  if (!claimed) return null;
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, claimed));
  if (!user) return null;
  await db
    .insert(customers)
    .values({ userId: user.id, stripeCustomerId: customer.id, email: customer.email })
    .onConflictDoNothing();
  log.info({ stripeCustomerId: customer.id, userId: user.id, version }, "linked Stripe customer");
  const [now] = await db
    .select({ userId: customers.userId })
    .from(customers)
    .where(eq(customers.stripeCustomerId, customer.id));
  return now?.userId ?? null;
}

/**
 * Writes a snapshot into the mirror (customers, subscriptions, invoices).
 *
 * Contract — idempotent and order-independent: every row is written with the snapshot's
 * `version` (when its data was fetched) and a row already written from a later fetch is left
 * alone (`stripe_version <= excluded.stripe_version` on every upsert). Every webhook about a
 * customer triggers a fresh fetch, so whatever order or number of times events arrive, the last
 * fetch to be written describes Stripe's current state, and an older fetch that finishes late
 * cannot overwrite it. Runs inside the caller's transaction; may throw (the caller rolls back).
 */
export async function applyCustomerSnapshot(
  db: Database,
  snapshot: CustomerSnapshot,
): Promise<void> {
  const { customer, version } = snapshot;
  if ("deleted" in customer && customer.deleted) {
    await db
      .update(customers)
      .set({ deletedAt: new Date() })
      .where(and(eq(customers.stripeCustomerId, customer.id), sql`${customers.deletedAt} is null`));
  } else {
    const live = customer as Stripe.Customer;
    await db
      .update(customers)
      .set({ email: live.email })
      .where(eq(customers.stripeCustomerId, live.id));
  }
  const userId =
    "deleted" in customer && customer.deleted
      ? ((
          await db
            .select({ userId: customers.userId })
            .from(customers)
            .where(eq(customers.stripeCustomerId, customer.id))
        )[0]?.userId ?? null)
      : await linkedUserId(db, customer as Stripe.Customer, version);

  const tiers = new Map<string, PlanTier>();
  for (const subscription of snapshot.subscriptions) {
    const plan = planOfSubscription(subscription);
    tiers.set(subscription.id, plan.tier);
    const status = subscription.status;
    if (!isSubscriptionStatus(status)) {
      log.warn({ stripeSubscriptionId: subscription.id, status }, "unknown subscription status");
      continue;
    }
    if (!userId) {
      log.warn(
        { stripeCustomerId: customer.id, stripeSubscriptionId: subscription.id },
        "subscription of a customer linked to no user; not mirrored",
      );
      continue;
    }
    const openInvoice = snapshot.invoices
      .filter(
        (invoice) =>
          invoice.parent?.subscription_details?.subscription === subscription.id &&
          invoice.status === "open" &&
          invoice.attempt_count > 0,
      )
      .sort((a, b) => a.created - b.created)[0];
    const failedAt =
      subscription.status === "past_due" || subscription.status === "unpaid"
        ? toDate(openInvoice?.status_transitions.finalized_at ?? openInvoice?.created)
        : null;
    const row = {
      userId,
      stripeSubscriptionId: subscription.id,
      stripeCustomerId: customer.id,
      stripePriceId: plan.item?.price.id ?? null,
      priceLookupKey: plan.item?.price.lookup_key ?? null,
      planTier: plan.tier,
      billingPeriod: plan.period,
      status,
      quantity: plan.item?.quantity ?? 1,
      trialStart: toDate(subscription.trial_start),
      trialEnd: toDate(subscription.trial_end),
      currentPeriodStart: toDate(plan.item?.current_period_start),
      currentPeriodEnd: toDate(plan.item?.current_period_end),
      cancelAtPeriodEnd: subscription.cancel_at_period_end,
      cancelAt: toDate(subscription.cancel_at),
      canceledAt: toDate(subscription.canceled_at),
      endedAt: toDate(subscription.ended_at),
      paymentFailedAt: failedAt,
      stripeVersion: version,
    };
    await db
      .insert(subscriptions)
      .values(row)
      .onConflictDoUpdate({
        target: subscriptions.stripeSubscriptionId,
        set: {
          ...row,
          // The first failure of a dunning run is kept while the run lasts.
          paymentFailedAt: sql`case when excluded.payment_failed_at is null then null else coalesce(${subscriptions.paymentFailedAt}, excluded.payment_failed_at) end`,
        },
        setWhere: lte(subscriptions.stripeVersion, version),
      });
  }

  for (const invoice of snapshot.invoices) {
    const status = invoice.status;
    if (!isInvoiceStatus(status)) continue;
    const subscriptionId = invoice.parent?.subscription_details?.subscription;
    const row = {
      stripeInvoiceId: invoice.id,
      stripeCustomerId: customer.id,
      userId,
      stripeSubscriptionId: subscriptionId ? String(subscriptionId) : null,
      planTier: subscriptionId ? (tiers.get(String(subscriptionId)) ?? null) : null,
      customerEmail: invoice.customer_email,
      number: invoice.number,
      status,
      currency: invoice.currency,
      amountDue: invoice.amount_due,
      amountPaid: invoice.amount_paid,
      amountRemaining: invoice.amount_remaining,
      subtotal: invoice.subtotal,
      total: invoice.total,
      billingReason: invoice.billing_reason,
      hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
      invoicePdf: invoice.invoice_pdf ?? null,
      periodStart: toDate(invoice.period_start),
      periodEnd: toDate(invoice.period_end),
      paidAt: toDate(invoice.status_transitions.paid_at),
      attemptCount: invoice.attempt_count,
      nextPaymentAttempt: toDate(invoice.next_payment_attempt),
      created: new Date(invoice.created * 1000),
      stripeVersion: version,
    };
    await db
      .insert(invoices)
      .values(row)
      .onConflictDoUpdate({
        target: invoices.stripeInvoiceId,
        set: row,
        setWhere: lte(invoices.stripeVersion, version),
      });
  }
}
