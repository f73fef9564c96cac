import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type Stripe from "stripe";
import { subscriptions } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getEntitlements } from "../entitlements";
import { type BillingPeriod, getPlan, isPaidTier, lookupKeyFor, type PlanTier } from "../plans";
import { callStripe } from "./call-stripe";
import { findCustomer } from "./find-customer";
import { getOrCreateCustomer } from "./get-or-create-customer";
import { resolvePlanPrices } from "./resolve-price";
import type { BillingDeps } from "./types";

/** Statuses of a subscription that still exists and needs the user's attention, not a new one. */
const NEEDS_ATTENTION = ["past_due", "unpaid", "paused"] as const;

/**
 * A Stripe Checkout session (subscription mode) for a paid plan; returns its URL.
 *
 * - Free is not for sale (`plan_not_purchasable`); a user whose subscription grants a plan is
 *   sent to change it instead (`already_on_plan` for the same plan and period,
 *   `subscription_exists` otherwise), as is one whose subscription waits for a payment.
 * - The prices come from the catalog's lookup keys (a monthly plan also carries its metered
 *   API-calls price, see `billsUsage`); the customer is created first
 *   (`getOrCreateCustomer`), and the session carries `client_reference_id` and
 *   `metadata.userId`, so checkout.session.completed can always be tied back to the user.
 * - A trial of DEFAULT_TRIAL_DAYS only for a user who never had a subscription, neither in our
 *   mirror nor (when the customer existed before) in Stripe, where a mirror that missed a
 *   webhook would not see it.
 * - Idempotency key: user, price, trial and the minute, so a double submit gets one session.
 * - The customer's other open sessions are then expired: two tabs cannot both be paid into two
 *   subscriptions; only the newest checkout stays payable (a double submit within the minute
 *   gets the same session back, which is kept).
 */
export async function createCheckoutSession(
  deps: BillingDeps & { userId: string; tier: PlanTier; period: BillingPeriod },
): Promise<{ url: string }> {
  const { db, stripe, userId, tier, period } = deps;
  if (!isPaidTier(tier)) {
    throw new AppError("plan_not_purchasable", `The ${getPlan(tier).name} plan is not for sale.`);
  }
  const current = await getEntitlements(db, userId);
  if (current.source === "subscription") {
    if (current.tier === tier && current.period === period) {
      throw new AppError("already_on_plan", `You are already on the ${current.plan.name} plan.`);
    }
    throw new AppError(
      "subscription_exists",
      `You already have the ${current.plan.name} plan. Change your plan from the billing page instead.`,
    );
  }
  const [waiting] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(eq(subscriptions.userId, userId), inArray(subscriptions.status, NEEDS_ATTENTION)))
    .limit(1);
  if (waiting) {
    throw new AppError(
      "subscription_exists",
      "Your subscription is waiting for a payment. Update your payment method in the billing portal.",
    );
  }

  const { price, metered } = await resolvePlanPrices(stripe, tier, period);
  const hadCustomer = (await findCustomer(db, userId)) !== null;
  const customer = await getOrCreateCustomer(deps);
  const trialDays = (await isFirstSubscription(deps, customer, hadCustomer))
    ? env().DEFAULT_TRIAL_DAYS
    : 0;

  const frontend = env().FRONTEND_URL;
  const minute = Math.floor(Date.now() / 60_000);
  const session = await callStripe("checkout.sessions.create", () =>
    stripe.checkout.sessions.create(
      {
        mode: "subscription",
        customer,
        client_reference_id: userId,
        metadata: { userId },
        // A metered price takes no quantity: what it bills comes from the meter.
        line_items: [{ price: price.id, quantity: 1 }, ...(metered ? [{ price: metered.id }] : [])],
        subscription_data: {
          metadata: { userId },
          ...(trialDays > 0 ? { trial_period_days: trialDays } : {}),
        },
        allow_promotion_codes: true,
        success_url: `${frontend}/account/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${frontend}/pricing?checkout=canceled`,
      },
      { idempotencyKey: `checkout:${userId}:${lookupKeyFor(tier, period)}:${trialDays}:${minute}` },
    ),
  );
  if (!session.url) throw new Error(`checkout session ${session.id} has no URL`);
  if (hadCustomer) await expireOtherSessions(stripe, customer, session.id);
  return { url: session.url };
}

async function isFirstSubscription(
  { db, stripe, userId }: BillingDeps & { userId: string },
  stripeCustomerId: string,
  customerExisted: boolean,
): Promise<boolean> {
  const [any] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(eq(subscriptions.userId, userId))
    .limit(1);
  if (any) return false;
  if (!customerExisted) return true;
  const listed = await callStripe("subscriptions.list", () =>
    stripe.subscriptions.list({ customer: stripeCustomerId, status: "all", limit: 1 }),
  );
  return listed.data.length === 0;
}

async function expireOtherSessions(
  stripe: Stripe,
  stripeCustomerId: string,
  keep: string,
): Promise<void> {
  const open = await callStripe("checkout.sessions.list", () =>
    stripe.checkout.sessions.list({ customer: stripeCustomerId, status: "open", limit: 100 }),
  );
  for (const session of open.data) {
    if (session.id === keep) continue;
    await callStripe("checkout.sessions.expire", () => stripe.checkout.sessions.expire(session.id));
  }
}
