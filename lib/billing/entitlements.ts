import "server-only";
import { desc, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { type SubscriptionStatus, subscriptions } from "@/db/schema";
import { env } from "@/lib/env";
import {
  type BillingPeriod,
  type Feature,
  getPlan,
  type Plan,
  type PlanTier,
  planByLookupKey,
} from "./catalog/plans";

/**
 * What a user may use right now, derived from their subscription row: active or trialing →
 * the subscribed plan; past_due inside the grace period → the plan plus a `payment_failed`
 * warning; anything else (past_due after the grace period, incomplete, incomplete_expired,
 * canceled, unpaid, paused) or no row → Free.
 *
 * Dates are never guessed: an active subscription whose `currentPeriodEnd` has passed keeps the
 * plan, because Stripe renews it and the webhook that says so may simply not have arrived yet.
 */

export type SubscriptionRow = typeof subscriptions.$inferSelect;

export type EntitlementWarning =
  /** Present for as long as the subscription is trialing and its trial end is known. */
  | { kind: "trial_ending"; trialEnd: Date; daysLeft: number }
  /** past_due inside the grace period: access is kept until `graceEndsAt` (exclusive). */
  | { kind: "payment_failed"; graceEndsAt: Date }
  /** An active or trialing subscription that is set to end. */
  | { kind: "cancels"; cancelsAt: Date }
  /**
   * A downgrade waiting for the period's end: the plan granted now was paid for until `at`;
   * from then on the subscription's own plan (`toTier`, billed `toPeriod`) applies.
   */
  | { kind: "downgrade_scheduled"; at: Date; toTier: PlanTier; toPeriod: BillingPeriod | null };

export interface Entitlements {
  tier: PlanTier;
  plan: Plan;
  /** The row's status, even when it grants nothing, so the UI can say why; "none" without a row. */
  status: SubscriptionStatus | "none";
  /** "free" when the user gets Free because no subscription grants access. */
  source: "subscription" | "free";
  features: Record<Feature, boolean>;
  limits: Plan["limits"];
  /** The subscription's billing period and period end; null when `source` is "free". */
  period: BillingPeriod | null;
  currentPeriodEnd: Date | null;
  warnings: EntitlementWarning[];
}

export interface EntitlementOptions {
  now: Date;
  gracePeriodDays: number;
}

/** Grace periods and trial days count fixed 24-hour days, not calendar days. */
const DAY_MS = 24 * 60 * 60 * 1000;

function grantedBy(tier: PlanTier, status: Entitlements["status"], source: Entitlements["source"]) {
  const plan = getPlan(tier);
  return { tier, plan, status, source, features: { ...plan.features }, limits: plan.limits };
}

function freeEntitlements(status: Entitlements["status"]): Entitlements {
  return {
    ...grantedBy("free", status, "free"),
    period: null,
    currentPeriodEnd: null,
    warnings: [],
  };
}

/**
 * When the grace period of a past_due subscription ends: `gracePeriodDays` after the first
 * failed payment. Without `paymentFailedAt` the count starts at the current period's start:
 * a renewal moves the period forward even when its payment fails, so the failed renewal
 * happened where the current period began; failing that, at `now`.
 */
export function graceEndsAt(subscription: SubscriptionRow, options: EntitlementOptions): Date {
  const start = subscription.paymentFailedAt ?? subscription.currentPeriodStart ?? options.now;
  return new Date(start.getTime() + options.gracePeriodDays * DAY_MS);
}

function cancelsAt(subscription: SubscriptionRow): Date | null {
  if (subscription.cancelAt) return subscription.cancelAt;
  return subscription.cancelAtPeriodEnd ? subscription.currentPeriodEnd : null;
}

/** Pure: the entitlements a subscription row grants at `options.now`. */
export function entitlementsFor(
  subscription: SubscriptionRow | null,
  options: EntitlementOptions,
): Entitlements {
  if (!subscription) return freeEntitlements("none");
  const { status } = subscription;
  const warnings: EntitlementWarning[] = [];

  switch (status) {
    case "trialing":
    case "active": {
      const { trialEnd } = subscription;
      if (status === "trialing" && trialEnd) {
        const daysLeft = Math.max(
          0,
          Math.ceil((trialEnd.getTime() - options.now.getTime()) / DAY_MS),
        );
        warnings.push({ kind: "trial_ending", trialEnd, daysLeft });
      }
      const ends = cancelsAt(subscription);
      if (ends) warnings.push({ kind: "cancels", cancelsAt: ends });
      break;
    }
    case "past_due": {
      const ends = graceEndsAt(subscription, options);
      if (options.now.getTime() >= ends.getTime()) return freeEntitlements(status);
      warnings.push({ kind: "payment_failed", graceEndsAt: ends });
      break;
    }
    case "incomplete":
    case "incomplete_expired":
    case "canceled":
    case "unpaid":
    case "paused":
      return freeEntitlements(status);
    default: {
      const unhandled: never = status;
      return freeEntitlements(unhandled);
    }
  }

  const kept = keptPlan(subscription, options.now);
  if (kept) {
    warnings.push({
      kind: "downgrade_scheduled",
      at: kept.until,
      toTier: subscription.planTier,
      toPeriod: subscription.billingPeriod,
    });
  }
  return {
    ...grantedBy(kept?.tier ?? subscription.planTier, status, "subscription"),
    period: kept?.period ?? subscription.billingPeriod,
    currentPeriodEnd: subscription.currentPeriodEnd,
    warnings,
  };
}

/** The plan paid for until the period's end after a downgrade, while that period lasts. */
function keptPlan(
  subscription: SubscriptionRow,
  now: Date,
): { tier: PlanTier; period: BillingPeriod; until: Date } | null {
  const { keptPlanLookupKey, keptPlanUntil } = subscription;
  if (!keptPlanLookupKey || !keptPlanUntil || now.getTime() >= keptPlanUntil.getTime()) {
    return null;
  }
  const found = planByLookupKey(keptPlanLookupKey);
  if (!found || found.plan.tier === subscription.planTier) return null;
  return { tier: found.plan.tier, period: found.period, until: keptPlanUntil };
}

/** 0 grants access, 1 may grant it (past_due, if inside the grace period), 2 grants nothing. */
function accessRank(status: SubscriptionStatus): number {
  if (status === "active" || status === "trialing") return 0;
  if (status === "past_due") return 1;
  return 2;
}

/**
 * The row that decides a user's entitlements when they have several (say an old canceled
 * subscription and a new active one): active or trialing first, then past_due, then the rest;
 * within a rank the most recently created; ties broken by id so the choice is deterministic.
 * Null for no rows. Does not modify `rows`.
 */
export function pickCurrentSubscription(rows: readonly SubscriptionRow[]): SubscriptionRow | null {
  let best: SubscriptionRow | null = null;
  for (const row of rows) {
    if (!best || precedes(row, best)) best = row;
  }
  return best;
}

function precedes(a: SubscriptionRow, b: SubscriptionRow): boolean {
  const byRank = accessRank(a.status) - accessRank(b.status);
  if (byRank !== 0) return byRank < 0;
  const byCreated = a.createdAt.getTime() - b.createdAt.getTime();
  if (byCreated !== 0) return byCreated > 0;
  return a.id > b.id;
}

/**
 * The entitlements of one user, read from their own subscription rows only. The grace period
 * defaults to BILLING_GRACE_PERIOD_DAYS.
 */
export async function getEntitlements(
  db: Database,
  workspaceId: string,
  now: Date = new Date(),
  gracePeriodDays: number = env().BILLING_GRACE_PERIOD_DAYS,
): Promise<Entitlements> {
  return (await getBillingState(db, workspaceId, now, gracePeriodDays)).entitlements;
}

/** The entitlements together with the subscription row they were derived from (null: none). */
export async function getBillingState(
  db: Database,
  workspaceId: string,
  now: Date = new Date(),
  gracePeriodDays: number = env().BILLING_GRACE_PERIOD_DAYS,
): Promise<{ entitlements: Entitlements; subscription: SubscriptionRow | null }> {
  const rows = await db
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.workspaceId, workspaceId))
    .orderBy(desc(subscriptions.createdAt));
  const subscription = pickCurrentSubscription(rows);
  return { entitlements: entitlementsFor(subscription, { now, gracePeriodDays }), subscription };
}
