import "server-only";
import { desc, eq } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "@/db";
import { ENDED_SUBSCRIPTION_STATUSES, subscriptions } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { fromUnixSeconds } from "@/lib/format/date";
import { log } from "@/lib/log";
import type { BillingPeriod, PlanTier } from "../catalog/plans";
import { planOfSubscription } from "../catalog/subscription";
import { pickCurrentSubscription, type SubscriptionRow } from "../entitlements";
import { resyncCustomer } from "../mirror/resync-customer";
import { callStripe } from "../stripe/call-stripe";
import type { BillingDeps } from "../stripe/client";
import { findCustomer } from "./customer";

export interface CurrentSubscription {
  row: SubscriptionRow;
  /** Fetched from Stripe just now: what a change must start from. */
  subscription: Stripe.Subscription;
  /** The item that carries the plan's price. */
  item: Stripe.SubscriptionItem;
  tier: PlanTier;
  period: BillingPeriod | null;
}

const ENDED: ReadonlySet<string> = new Set(ENDED_SUBSCRIPTION_STATUSES);

async function currentRow(db: Database, workspaceId: string): Promise<SubscriptionRow | null> {
  const rows = await db
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.workspaceId, workspaceId))
    .orderBy(desc(subscriptions.createdAt));
  return pickCurrentSubscription(rows.filter((row) => !ENDED.has(row.status)));
}

/**
 * The user's current subscription that has not ended, read from their own rows only (so a user
 * can only ever act on their own) and then fetched live from Stripe. When the mirror has no row
 * yet (the webhook is late) but the user has a customer, the customer is re-synced once first.
 * Throws `no_subscription` when there is none, or when Stripe says it has ended (the mirror is
 * re-synced so the page stops offering it).
 */
export async function requireCurrentSubscription(
  deps: BillingDeps & { workspaceId: string },
): Promise<CurrentSubscription> {
  const { db, stripe, workspaceId } = deps;
  let row = await currentRow(db, workspaceId);
  if (!row) {
    const customer = await findCustomer(db, workspaceId);
    if (customer) {
      await resyncCustomer(deps, customer.stripeCustomerId);
      row = await currentRow(db, workspaceId);
    }
  }
  if (!row) throw noSubscription();

  const { stripeSubscriptionId } = row;
  const subscription = await callStripe("subscriptions.retrieve", () =>
    stripe.subscriptions.retrieve(stripeSubscriptionId),
  );
  const customerId =
    typeof subscription.customer === "string" ? subscription.customer : subscription.customer.id;
  if (customerId !== row.stripeCustomerId) {
    log.error(
      { workspaceId, stripeSubscriptionId, stripeCustomerId: customerId },
      "subscription row names another customer than Stripe does",
    );
    throw noSubscription();
  }
  if (ENDED.has(subscription.status)) {
    await resyncCustomer(deps, customerId, { bestEffort: true });
    throw noSubscription();
  }
  const plan = planOfSubscription(subscription);
  if (!plan.item) throw new Error(`subscription ${subscription.id} has no items`);
  return { row, subscription, item: plan.item, tier: plan.tier, period: plan.period };
}

function noSubscription(): AppError {
  return new AppError("no_subscription", "You have no subscription. Choose a plan first.");
}

/** What the billing routes answer about a subscription after a change: no Stripe internals, dates as ISO. */
export interface SubscriptionView {
  id: string;
  plan: string;
  period: string | null;
  status: Stripe.Subscription.Status;
  cancelAtPeriodEnd: boolean;
  cancelAt: string | null;
  currentPeriodEnd: string | null;
  trialEnd: string | null;
}

const iso = (seconds: number | null | undefined) => fromUnixSeconds(seconds)?.toISOString() ?? null;

export function subscriptionView(subscription: Stripe.Subscription): SubscriptionView {
  const plan = planOfSubscription(subscription);
  return {
    id: subscription.id,
    plan: plan.tier,
    period: plan.period,
    status: subscription.status,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    cancelAt: iso(subscription.cancel_at),
    currentPeriodEnd: iso(plan.item?.current_period_end),
    trialEnd: iso(subscription.trial_end),
  };
}
