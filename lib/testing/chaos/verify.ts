/**
 * What the chaos harness checks once the deliveries are over: that the ledger has applied
 * everything (waited for), that it holds each delivered event exactly once with the status its
 * type calls for, and that the mirror equals what Stripe says now — subscription by
 * subscription, invoice by invoice, field by field — for every customer of the run.
 *
 * The expected rows are read from Stripe (the emulator) here, not from the app's snapshot code:
 * the plan is the first item whose price's lookup key is in the catalog, and the rest are
 * Stripe's fields as they are.
 */
import { count, eq, inArray, notInArray, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { type Database, selectRows } from "../../../db";
import { customers, invoices, subscriptions, webhookEvents } from "../../../db/schema";
import { keptPlanOf, planOfSubscription } from "../../billing/catalog/subscription";
import { isHandledWebhookEvent } from "../../billing/mirror/webhook-events";
import type { ChaosCustomer } from "./lifecycles";

/** Ledger states in which an event still waits for its customer's job. */
const PENDING = ["received", "failed", "unlinked"] as const;

export interface LedgerProgress {
  total: number;
  pending: number;
  byStatus: Record<string, number>;
}

export async function ledgerProgress(db: Database): Promise<LedgerProgress> {
  const rows = await db
    .select({ status: webhookEvents.status, n: count() })
    .from(webhookEvents)
    .groupBy(webhookEvents.status);
  const byStatus = Object.fromEntries(rows.map((row) => [row.status, row.n]));
  const total = rows.reduce((sum, row) => sum + row.n, 0);
  const pending = rows
    .filter((row) => (PENDING as readonly string[]).includes(row.status))
    .reduce((sum, row) => sum + row.n, 0);
  return { total, pending, byStatus };
}

/**
 * Polls the ledger until it holds `expected` events and none is pending; the time that took.
 * Throws with the ledger's state when `timeoutMs` passes first.
 */
export async function waitForLedger(
  db: Database,
  expected: number,
  { timeoutMs = 120_000, pollMs = 250 }: { timeoutMs?: number; pollMs?: number } = {},
): Promise<number> {
  const started = Date.now();
  let progress = await ledgerProgress(db);
  while (progress.pending > 0 || progress.total < expected) {
    if (Date.now() - started > timeoutMs) {
      const waiting = await db
        .select({
          id: webhookEvents.id,
          status: webhookEvents.status,
          error: webhookEvents.lastError,
        })
        .from(webhookEvents)
        .where(inArray(webhookEvents.status, [...PENDING]))
        .limit(5);
      throw new Error(
        `the ledger did not settle in ${timeoutMs} ms: ${JSON.stringify(progress)}; ` +
          `waiting, for example: ${JSON.stringify(waiting)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    progress = await ledgerProgress(db);
  }
  return Date.now() - started;
}

/** Differences between the ledger and the delivered events; empty when each is there once, done. */
export async function compareLedger(
  db: Database,
  delivered: readonly Stripe.Event[],
): Promise<string[]> {
  const rows = await db
    .select({
      id: webhookEvents.id,
      status: webhookEvents.status,
      processedAt: webhookEvents.processedAt,
    })
    .from(webhookEvents);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const differences: string[] = [];
  const deliveredIds = new Set(delivered.map((event) => event.id));
  for (const event of delivered) {
    const row = byId.get(event.id);
    const wanted = isHandledWebhookEvent(event.type) ? "processed" : "ignored";
    if (!row) differences.push(`${event.id} (${event.type}): not on the ledger`);
    else if (row.status !== wanted || row.processedAt === null) {
      differences.push(
        `${event.id} (${event.type}): ${row.status}, processed_at ${String(row.processedAt)}; expected ${wanted}`,
      );
    }
  }
  for (const row of rows) {
    if (!deliveredIds.has(row.id)) differences.push(`${row.id}: on the ledger, never delivered`);
  }
  return differences;
}

type Row = Record<string, string | number | boolean | null>;

const time = (unix: number | null | undefined) =>
  unix === null || unix === undefined ? null : new Date(unix * 1000).toISOString();
const stored = (date: Date | null) => (date === null ? null : date.toISOString());

/** The subscription as the mirror should show it, from Stripe's subscription and invoices. */
function expectedSubscription(
  subscription: Stripe.Subscription,
  customerInvoices: readonly Stripe.Invoice[],
  workspaceId: string,
): Row {
  const plan = planOfSubscription(subscription);
  const periodEnd = plan.item?.current_period_end ?? null;
  const kept = keptPlanOf(subscription);
  const dunning = subscription.status === "past_due" || subscription.status === "unpaid";
  // The current dunning run started at the earliest unpaid invoice that was tried.
  const tried = customerInvoices
    .filter(
      (invoice) =>
        invoice.parent?.subscription_details?.subscription === subscription.id &&
        (invoice.status === "open" || invoice.status === "uncollectible") &&
        invoice.attempt_count > 0,
    )
    .map((invoice) => invoice.status_transitions.finalized_at ?? invoice.created);
  return {
    workspace_id: workspaceId,
    plan_tier: plan.tier,
    billing_period: plan.period,
    status: subscription.status,
    trial_end: time(subscription.trial_end),
    current_period_start: time(plan.item?.current_period_start),
    current_period_end: time(periodEnd),
    cancel_at_period_end: subscription.cancel_at_period_end,
    canceled_at: time(subscription.canceled_at),
    ended_at: time(subscription.ended_at),
    kept_plan: kept && periodEnd !== null && kept.until >= periodEnd ? kept.lookupKey : null,
    payment_failed_at: dunning && tried.length > 0 ? time(Math.min(...tried)) : null,
  };
}

function expectedInvoice(invoice: Stripe.Invoice): Row {
  return {
    status: invoice.status,
    number: invoice.number,
    amount_due: invoice.amount_due,
    amount_paid: invoice.amount_paid,
    total: invoice.total,
    attempt_count: invoice.attempt_count,
    paid_at: time(invoice.status_transitions.paid_at),
  };
}

async function mirroredSubscriptions(db: Database, customerId: string): Promise<Map<string, Row>> {
  const rows = await db
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.stripeCustomerId, customerId));
  return new Map(
    rows.map((row) => [
      row.stripeSubscriptionId,
      {
        workspace_id: row.workspaceId,
        plan_tier: row.planTier,
        billing_period: row.billingPeriod,
        status: row.status,
        trial_end: stored(row.trialEnd),
        current_period_start: stored(row.currentPeriodStart),
        current_period_end: stored(row.currentPeriodEnd),
        cancel_at_period_end: row.cancelAtPeriodEnd,
        canceled_at: stored(row.canceledAt),
        ended_at: stored(row.endedAt),
        kept_plan: row.keptPlanLookupKey,
        payment_failed_at: stored(row.paymentFailedAt),
      },
    ]),
  );
}

async function mirroredInvoices(db: Database, customerId: string): Promise<Map<string, Row>> {
  const rows = await db.select().from(invoices).where(eq(invoices.stripeCustomerId, customerId));
  return new Map(
    rows.map((row) => [
      row.stripeInvoiceId,
      {
        status: row.status,
        number: row.number,
        amount_due: row.amountDue,
        amount_paid: row.amountPaid,
        total: row.total,
        attempt_count: row.attemptCount,
        paid_at: stored(row.paidAt),
      },
    ]),
  );
}

/** `label: field mirror X, Stripe Y` for each field that differs; missing and extra rows. */
function diffRows(
  kind: string,
  expected: ReadonlyMap<string, Row>,
  actual: ReadonlyMap<string, Row>,
): string[] {
  const differences: string[] = [];
  for (const [id, want] of expected) {
    const have = actual.get(id);
    if (!have) {
      differences.push(`${kind} ${id}: not mirrored (Stripe: ${JSON.stringify(want)})`);
      continue;
    }
    for (const [field, value] of Object.entries(want)) {
      if (have[field] !== value) {
        differences.push(
          `${kind} ${id}: ${field} mirror ${JSON.stringify(have[field])}, Stripe ${JSON.stringify(value)}`,
        );
      }
    }
  }
  for (const id of actual.keys()) {
    if (!expected.has(id)) differences.push(`${kind} ${id}: mirrored, unknown to Stripe`);
  }
  return differences;
}

async function invoicesOf(stripe: Stripe, customer: string): Promise<Stripe.Invoice[]> {
  const all: Stripe.Invoice[] = [];
  for await (const invoice of stripe.invoices.list({ customer, limit: 100 })) all.push(invoice);
  return all;
}

export interface MirrorComparison {
  /** Rows that differ from Stripe: each a failure. */
  differences: string[];
  /**
   * How a deleted customer's subscriptions differ from Stripe's, as the contract allows
   * (README, Webhooks: its mirrored subscriptions end when the app learns of the deletion; none
   * is fetched any more): said, not failed.
   */
  notes: string[];
  subscriptions: number;
  invoices: number;
}

/**
 * Compares the mirror with Stripe for each of `made`. A live customer's subscriptions and
 * invoices must equal Stripe's exactly; a deleted customer's invoices too, and its mirrored
 * subscriptions must all have ended. Every customer must be linked to its workspace, and the mirror
 * must hold no row of anyone else.
 */
export async function compareMirror(
  db: Database,
  stripe: Stripe,
  made: readonly ChaosCustomer[],
): Promise<MirrorComparison> {
  const result: MirrorComparison = { differences: [], notes: [], subscriptions: 0, invoices: 0 };
  for (const customer of made) {
    const label = `${customer.scenario} #${customer.index} (${customer.customerId})`;
    const [link] = await db
      .select()
      .from(customers)
      .where(eq(customers.stripeCustomerId, customer.customerId));
    if (link?.workspaceId !== customer.workspaceId) {
      result.differences.push(
        `${label}: linked to ${String(link?.workspaceId)}, not ${customer.workspaceId}`,
      );
    }
    const customerInvoices = await invoicesOf(stripe, customer.customerId);
    const mirroredSubs = await mirroredSubscriptions(db, customer.customerId);
    const mirroredInv = await mirroredInvoices(db, customer.customerId);
    result.subscriptions += mirroredSubs.size;
    result.invoices += mirroredInv.size;
    const stripeInvoices = new Map(
      customerInvoices.map((invoice) => [invoice.id, expectedInvoice(invoice)]),
    );

    if (customer.deleted) {
      if (!link?.deletedAt) result.differences.push(`${label}: deleted in Stripe, link not marked`);
      for (const [id, row] of mirroredSubs) {
        if (row.status !== "canceled" || row.ended_at === null) {
          result.differences.push(`${label}: subscription ${id} ${String(row.status)}, not ended`);
        }
      }
      result.differences.push(...diffRows(`${label} invoice`, stripeInvoices, mirroredInv));
      const subscription = await stripe.subscriptions.retrieve(customer.subscriptionId);
      const want = expectedSubscription(subscription, customerInvoices, customer.workspaceId);
      const have = mirroredSubs.get(subscription.id);
      result.notes.push(
        `${label}: Stripe has the subscription ${want.status} (ended ${String(want.ended_at)}) and ` +
          `${stripeInvoices.size} invoices; the mirror has ` +
          (have ? `it ${String(have.status)} (ended ${String(have.ended_at)})` : "no row of it") +
          ` and ${mirroredInv.size} invoices`,
      );
      continue;
    }

    const stripeSubs = new Map<string, Row>();
    for await (const subscription of stripe.subscriptions.list({
      customer: customer.customerId,
      status: "all",
      limit: 100,
    })) {
      stripeSubs.set(
        subscription.id,
        expectedSubscription(subscription, customerInvoices, customer.workspaceId),
      );
    }
    result.differences.push(...diffRows(`${label} subscription`, stripeSubs, mirroredSubs));
    result.differences.push(...diffRows(`${label} invoice`, stripeInvoices, mirroredInv));
  }
  const ours = made.map((customer) => customer.customerId);
  const [strangers] = await db
    .select({ subscriptions: count() })
    .from(subscriptions)
    .where(notInArray(subscriptions.stripeCustomerId, ours));
  if (strangers && strangers.subscriptions > 0) {
    result.differences.push(
      `${strangers.subscriptions} mirrored subscriptions of unknown customers`,
    );
  }
  return result;
}

/** Jobs that spent their retries (pg-boss's dead letters), by queue. */
export async function deadJobs(db: Database): Promise<Record<string, number>> {
  const rows = await selectRows<{ name: string; n: number }>(
    db,
    sql`select name, count(*)::int as n from pgboss.job where state = 'failed' group by name`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.n]));
}
