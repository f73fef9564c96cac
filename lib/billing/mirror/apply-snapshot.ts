import "server-only";
import { eq, lte, sql } from "drizzle-orm";
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
} from "@/db/schema";
import { fromUnixSeconds } from "@/lib/format/date";
import { log } from "@/lib/log";
import { planTierOfInvoice } from "../catalog/invoice-plan";
import {
  cancelRequesterOf,
  keptPlanOf,
  meteredItemOf,
  planOfSubscription,
} from "../catalog/subscription";
import { claimedWorkspace } from "./claimed-workspace";
import {
  applyCustomerDeleted,
  isDeletedCustomer,
  markedDeletedSince,
  removeDeletedInvoices,
} from "./deleted-in-stripe";
import type { CustomerSnapshot } from "./snapshot";
import { meteredItemRestoredAt } from "./subscription-repair";

/** What writing a snapshot found: the user the customer is linked to, if any. */
export interface AppliedSnapshot {
  workspaceId: string | null;
}

/**
 * Writes a snapshot into the mirror: the customer, its subscriptions, its invoices.
 *
 * Contract — idempotent and order-independent: every row is written with the snapshot's
 * `version` (when its data was fetched) and a row already written from a later fetch is left
 * alone (`stripe_version <= excluded.stripe_version` on every upsert). Every webhook about a
 * customer triggers a fresh fetch, so whatever order or number of times events arrive, the last
 * fetch to be written describes Stripe's current state, and an older fetch that finishes late
 * cannot overwrite it. A deleted customer is final (mirror/deleted-in-stripe.ts): its
 * subscriptions end, and a live fetch from before the deletion, written after it, is applied as
 * the deletion too; the invoices either fetch read are written as any customer's. Says which user the customer is linked to (null: none, nothing of it was
 * mirrored but its invoices). Runs inside the caller's transaction; may throw (the caller rolls
 * back).
 */
export async function applyCustomerSnapshot(
  db: Database,
  snapshot: CustomerSnapshot,
): Promise<AppliedSnapshot> {
  const { customer, version } = snapshot;
  // A deletion is final: it ends the subscriptions whatever order the fetches are written in.
  if (isDeletedCustomer(customer) || (await markedDeletedSince(db, customer.id, version))) {
    const workspaceId = await applyCustomerDeleted(db, customer.id, version);
    // Its invoices are history the deletion does not undo (revenue, the user's invoices).
    await removeDeletedInvoices(db, customer.id, snapshot.deletedInvoices);
    await writeInvoices(db, snapshot, workspaceId);
    return { workspaceId };
  }
  const workspaceId = await writeCustomer(db, customer, version);
  await removeDeletedInvoices(db, customer.id, snapshot.deletedInvoices);
  await writeSubscriptions(db, snapshot, workspaceId);
  await writeInvoices(db, snapshot, workspaceId);
  return { workspaceId };
}

/**
 * Puts the customer's email on our link and returns the workspace it belongs to: our link
 * first, else the workspace its metadata names (the link is made then).
 */
async function writeCustomer(
  db: Database,
  customer: Stripe.Customer,
  version: number,
): Promise<string | null> {
  await db
    .update(customers)
    .set({ email: customer.email })
    .where(eq(customers.stripeCustomerId, customer.id));
  const [linked] = await db
    .select({ workspaceId: customers.workspaceId })
    .from(customers)
    .where(eq(customers.stripeCustomerId, customer.id));
  if (linked) return linked.workspaceId;
  const workspaceId = await claimedWorkspace(db, customer.metadata);
  if (!workspaceId) return null;
  await db
    .insert(customers)
    .values({ workspaceId, stripeCustomerId: customer.id, email: customer.email })
    .onConflictDoNothing();
  log.info({ stripeCustomerId: customer.id, workspaceId, version }, "linked Stripe customer");
  const [now] = await db
    .select({ workspaceId: customers.workspaceId })
    .from(customers)
    .where(eq(customers.stripeCustomerId, customer.id));
  return now?.workspaceId ?? null;
}

function isSubscriptionStatus(status: string): status is SubscriptionStatus {
  return (SUBSCRIPTION_STATUSES as readonly string[]).includes(status);
}

/**
 * Upserts the snapshot's subscriptions for `workspaceId` (none are written for a customer linked to
 * no user).
 */
async function writeSubscriptions(
  db: Database,
  { customer, subscriptions: all, invoices: allInvoices, version }: CustomerSnapshot,
  workspaceId: string | null,
): Promise<void> {
  for (const subscription of all) {
    const plan = planOfSubscription(subscription);
    const status = subscription.status;
    if (!isSubscriptionStatus(status)) {
      log.warn({ stripeSubscriptionId: subscription.id, status }, "unknown subscription status");
      continue;
    }
    if (!workspaceId) {
      log.warn(
        { stripeCustomerId: customer.id, stripeSubscriptionId: subscription.id },
        "subscription of a customer linked to no user; not mirrored",
      );
      continue;
    }
    const failedAt =
      subscription.status === "past_due" || subscription.status === "unpaid"
        ? firstFailure(allInvoices, subscription.id)
        : null;
    const periodEnd = plan.item?.current_period_end ?? null;
    const kept = keptPlanOf(subscription);
    // Once the period renews, the kept plan's period is over: it is not copied.
    const keptNow = kept && periodEnd !== null && kept.until >= periodEnd ? kept : null;
    const row = {
      workspaceId,
      stripeSubscriptionId: subscription.id,
      stripeCustomerId: customer.id,
      stripePriceId: plan.item?.price.id ?? null,
      priceLookupKey: plan.item?.price.lookup_key ?? null,
      planTier: plan.tier,
      billingPeriod: plan.period,
      status,
      quantity: plan.item?.quantity ?? 1,
      trialStart: fromUnixSeconds(subscription.trial_start),
      trialEnd: fromUnixSeconds(subscription.trial_end),
      currentPeriodStart: fromUnixSeconds(plan.item?.current_period_start),
      currentPeriodEnd: fromUnixSeconds(periodEnd),
      cancelAtPeriodEnd: subscription.cancel_at_period_end,
      cancelAt: fromUnixSeconds(subscription.cancel_at),
      canceledAt: fromUnixSeconds(subscription.canceled_at),
      endedAt: fromUnixSeconds(subscription.ended_at),
      meteredPriceId: meteredItemOf(subscription)?.price.id ?? null,
      meteredItemRestoredAt: meteredItemRestoredAt(subscription),
      cancelRequestedBy: cancelRequesterOf(subscription),
      keptPlanLookupKey: keptNow?.lookupKey ?? null,
      keptPlanUntil: fromUnixSeconds(keptNow?.until),
      paymentFailedAt: failedAt,
      stripeVersion: version,
    };
    await db
      .insert(subscriptions)
      .values(row)
      .onConflictDoUpdate({
        target: subscriptions.stripeSubscriptionId,
        set: row,
        setWhere: lte(subscriptions.stripeVersion, version),
      });
  }
}

/**
 * When the current dunning run started: the earliest charge attempt among the subscription's
 * invoices that are still unpaid after an attempt (open, or written off while the subscription
 * stays past_due). Read from the snapshot alone, so the same Stripe state always gives the same
 * time, whatever was written before.
 */
function firstFailure(all: Stripe.Invoice[], subscriptionId: string): Date | null {
  const times = all
    .filter(
      (invoice) =>
        invoice.parent?.subscription_details?.subscription === subscriptionId &&
        (invoice.status === "open" || invoice.status === "uncollectible") &&
        invoice.attempt_count > 0,
    )
    .map((invoice) => invoice.status_transitions.finalized_at ?? invoice.created);
  return times.length > 0 ? fromUnixSeconds(Math.min(...times)) : null;
}

function isInvoiceStatus(status: string | null): status is InvoiceStatus {
  return status !== null && (INVOICE_STATUSES as readonly string[]).includes(status);
}

/**
 * Upserts the snapshot's invoices, each with the plan its own lines charged
 * (`planTierOfInvoice`), not the plan its subscription is on now. The plan is rewritten on every
 * write like the other fields: a finalized invoice's lines never change, so a row mirrored wrong
 * is corrected by the next fetch that reads its invoice (reconciliation reads them all), and a
 * draft's follows its lines.
 */
async function writeInvoices(
  db: Database,
  { customer, invoices: all, version, priceLookupKeys }: CustomerSnapshot,
  workspaceId: string | null,
): Promise<void> {
  const lookupKeyOfPrice = (priceId: string) => priceLookupKeys.get(priceId);
  for (const invoice of all) {
    const status = invoice.status;
    if (!isInvoiceStatus(status)) continue;
    const subscriptionId = invoice.parent?.subscription_details?.subscription;
    const row = {
      stripeInvoiceId: invoice.id,
      stripeCustomerId: customer.id,
      workspaceId,
      stripeSubscriptionId: subscriptionId ? String(subscriptionId) : null,
      planTier: planTierOfInvoice(invoice, lookupKeyOfPrice),
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
      periodStart: fromUnixSeconds(invoice.period_start),
      periodEnd: fromUnixSeconds(invoice.period_end),
      paidAt: fromUnixSeconds(invoice.status_transitions.paid_at),
      attemptCount: invoice.attempt_count,
      nextPaymentAttempt: fromUnixSeconds(invoice.next_payment_attempt),
      created: fromUnixSeconds(invoice.created),
      stripeVersion: version,
    };
    await db
      .insert(invoices)
      .values(row)
      .onConflictDoUpdate({
        target: invoices.stripeInvoiceId,
        set: {
          ...row,
          // A customer that lost its link (Stripe deleted it) keeps its invoices with their user.
          workspaceId: sql`coalesce(excluded.workspace_id, ${invoices.workspaceId})`,
        },
        setWhere: lte(invoices.stripeVersion, version),
      });
  }
}
