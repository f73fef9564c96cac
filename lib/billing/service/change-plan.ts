import "server-only";
import type Stripe from "stripe";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { fromUnixSeconds } from "@/lib/format/date";
import { log } from "@/lib/log";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { planChoiceSchema } from "../catalog/plan-choice";
import { resolvePlanPrices } from "../catalog/plan-prices";
import { type BillingPeriod, isPaidTier, type PaidPlanTier, type PlanTier } from "../catalog/plans";
import { clearKeptPlanMetadata, keepPlanMetadata, meteredItemOf } from "../catalog/subscription";
import { resyncCustomer } from "../mirror/resync-customer";
import { callStripe } from "../stripe/call-stripe";
import type { BillingDeps } from "../stripe/client";
import { type PlanChangeStrategy, planChangeStrategy } from "./change-plan-strategy";
import {
  type CurrentSubscription,
  requireCurrentSubscription,
  type SubscriptionView,
  subscriptionView,
} from "./current-subscription";

/** GET /api/workspaces/:slug/billing/subscription?plan=&period= — the change to preview. */
export const previewChangeSchema = planChoiceSchema;

/**
 * A change to confirm: the plan to move to, and optionally the `prorationDate` of the preview
 * the user confirmed (so the charge is the amount they saw).
 */
export const changeSubscriptionSchema = planChoiceSchema.extend({
  prorationDate: z.coerce.number().int().positive().optional(),
});

/**
 * Changing the plan of the user's own subscription: the preview of what it charges now, the
 * change itself, and the rules both follow (change-plan-strategy.ts).
 */

type PlanChangeRequest = BillingDeps & {
  workspaceId: string;
  tier: PlanTier;
  period: BillingPeriod;
};

export interface PlanChangePreview {
  change: "upgrade" | "downgrade";
  /** Charged at once when the change is made, in the currency's smallest unit. */
  amountDue: number;
  currency: string;
  /**
   * Unix seconds the proration was computed at; send it back with the change so the charge is
   * this amount (honoured for a few minutes). Null when nothing is prorated.
   */
  prorationDate: number | null;
  /** When the new price starts to be billed (ISO). */
  effectiveAt: string;
}

/**
 * What moving the user's subscription to `tier`/`period` would charge now, from Stripe's own
 * invoice preview; nothing changes. Same errors as `changeSubscription`.
 */
export async function previewSubscriptionChange(
  deps: PlanChangeRequest,
): Promise<PlanChangePreview> {
  const { current, strategy, target } = await planChange(deps);
  if (strategy.prorationBehavior === "none") {
    const periodEnd = current.item.current_period_end;
    const effectiveAt = strategy.timing === "now" ? new Date() : fromUnixSeconds(periodEnd);
    return {
      change: strategy.kind,
      amountDue: 0,
      currency: current.item.price.currency,
      prorationDate: null,
      effectiveAt: effectiveAt.toISOString(),
    };
  }
  const prices = await resolvePlanPrices(deps.stripe, target.tier, target.period);
  const { invoice, prorationDate } = await previewProration(
    deps.stripe,
    current,
    planItemChanges(current, prices),
  );
  return {
    change: strategy.kind,
    amountDue: invoice.amount_due,
    currency: invoice.currency,
    prorationDate,
    effectiveAt: fromUnixSeconds(prorationDate).toISOString(),
  };
}

/**
 * `previewSubscriptionChange` for the billing page's `?change=`, under the user's billing rate
 * limit (RATE_LIMITS.billing, shared with the billing actions): a render is a GET anyone can
 * repeat, and one account must not spend the Stripe rate limit every account shares.
 */
export async function previewChangeForPage(deps: PlanChangeRequest): Promise<PlanChangePreview> {
  await enforceRateLimit(deps.db, RATE_LIMITS.billing, deps.workspaceId);
  return previewSubscriptionChange(deps);
}

/** How long a preview's proration date is honoured: long enough to read and confirm. */
export const PRORATION_DATE_TTL_SECONDS = 15 * 60;

/**
 * Moves the user's own subscription to another paid plan or billing period, as
 * `planChangeStrategy` says: upgrades now with the proration invoiced and charged at once
 * (a declined card → 402 and nothing changes), downgrades billed from the next renewal with the
 * plan paid for kept until then.
 *
 * `prorationDate` (from `previewSubscriptionChange`) makes the charge equal the preview. It is
 * accepted only between Stripe's "now" minus PRORATION_DATE_TTL_SECONDS and "now" — learned
 * from a fresh preview, since Stripe's clock is not ours (test clocks, the emulator's clock) —
 * so a client cannot pick a date late in the period to shrink the charge.
 *
 * The customer is re-synced into Postgres before returning (best effort: the change stands).
 */
export async function changeSubscription(
  deps: PlanChangeRequest & { prorationDate?: number | undefined },
): Promise<{ change: "upgrade" | "downgrade"; subscription: SubscriptionView }> {
  const { stripe, workspaceId } = deps;
  const { current, strategy, target } = await planChange(deps);
  const prices = await resolvePlanPrices(stripe, target.tier, target.period);
  const items = planItemChanges(current, prices);

  const params: Stripe.SubscriptionUpdateParams = {
    items,
    proration_behavior: strategy.prorationBehavior,
  };
  if (strategy.keptPlan.action === "keep") {
    params.metadata = keepPlanMetadata(strategy.keptPlan.lookupKey, strategy.keptPlan.until);
  } else if (strategy.keptPlan.action === "clear") {
    params.metadata = clearKeptPlanMetadata();
  }
  if (strategy.prorationBehavior === "always_invoice") {
    params.payment_behavior = "error_if_incomplete";
    if (deps.prorationDate !== undefined) {
      params.proration_date = await checkedProrationDate(
        stripe,
        current,
        items,
        deps.prorationDate,
      );
    }
  }
  const updated = await callStripe("subscriptions.update", () =>
    stripe.subscriptions.update(current.subscription.id, params),
  );
  log.info(
    {
      workspaceId,
      stripeSubscriptionId: updated.id,
      from: current.item.price.lookup_key,
      to: prices.price.lookup_key,
      change: strategy.kind,
      timing: strategy.timing,
    },
    "subscription plan changed",
  );
  await resyncCustomer(deps, current.row.stripeCustomerId, { bestEffort: true });
  return { change: strategy.kind, subscription: subscriptionView(updated) };
}

/** What a preview and a change both start from: the live subscription and the strategy. */
async function planChange(deps: PlanChangeRequest): Promise<{
  current: CurrentSubscription;
  strategy: PlanChangeStrategy;
  target: { tier: PaidPlanTier; period: BillingPeriod };
}> {
  const { tier, period } = deps;
  if (!isPaidTier(tier)) {
    throw new AppError("plan_not_purchasable", "To go back to Free, cancel your subscription.");
  }
  const current = await requireCurrentSubscription(deps);
  const target = { tier, period };
  return { current, strategy: planChangeStrategy(current, target), target };
}

/** An item change, in the shape both `subscriptions.update` and `invoices.createPreview` take. */
interface ItemChange {
  id?: string;
  price?: string;
  deleted?: boolean;
}

/**
 * The item changes that move `current` to a plan's prices: the plan item takes the new price,
 * and the metered item follows the plan (swapped to the new tier's metered price, added when
 * the new plan bills usage and the subscription had none, removed when it does not bill usage).
 */
function planItemChanges(
  current: CurrentSubscription,
  prices: { price: Stripe.Price; metered: Stripe.Price | null },
): ItemChange[] {
  const changes: ItemChange[] = [{ id: current.item.id, price: prices.price.id }];
  const existing = meteredItemOf(current.subscription);
  if (existing && !prices.metered) {
    changes.push({ id: existing.id, deleted: true });
  } else if (existing && prices.metered && existing.price.id !== prices.metered.id) {
    changes.push({ id: existing.id, price: prices.metered.id });
  } else if (!existing && prices.metered) {
    changes.push({ price: prices.metered.id });
  }
  return changes;
}

/**
 * The invoice Stripe would make at once for applying `items` to `current` with the proration
 * invoiced now, and the time its prorations were computed at (`prorationDate`: Stripe's "now").
 * Passing that date to the update makes the charge equal the preview.
 */
async function previewProration(
  stripe: Stripe,
  current: CurrentSubscription,
  items: ItemChange[],
): Promise<{ invoice: Stripe.Invoice; prorationDate: number }> {
  const invoice = await callStripe("invoices.createPreview", () =>
    stripe.invoices.createPreview({
      subscription: current.subscription.id,
      subscription_details: { items, proration_behavior: "always_invoice" },
    }),
  );
  const prorationLine = invoice.lines.data.find(
    (line) => line.parent?.subscription_item_details?.proration,
  );
  return {
    invoice,
    prorationDate:
      invoice.parent?.subscription_details?.subscription_proration_date ??
      prorationLine?.period.start ??
      invoice.created,
  };
}

/** `prorationDate` when it lies in the window a fresh preview allows, else `conflict`. */
async function checkedProrationDate(
  stripe: Stripe,
  current: CurrentSubscription,
  items: ItemChange[],
  prorationDate: number,
): Promise<number> {
  const { prorationDate: stripeNow } = await previewProration(stripe, current, items);
  const periodStart = current.item.current_period_start;
  if (
    prorationDate > stripeNow ||
    prorationDate < stripeNow - PRORATION_DATE_TTL_SECONDS ||
    prorationDate < periodStart
  ) {
    throw new AppError("conflict", "The price you saw has expired. Review the change again.", {
      details: { reason: "proration_date_expired" },
    });
  }
  return prorationDate;
}
