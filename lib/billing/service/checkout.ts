import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type Stripe from "stripe";
import { subscriptions } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { type WaitingLeaseOptions, withLease } from "@/lib/leases";
import { log } from "@/lib/log";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { memberCount } from "@/lib/workspaces/workspaces";
import { planChoiceSchema } from "../catalog/plan-choice";
import { resolvePlanPrices } from "../catalog/plan-prices";
import {
  type BillingPeriod,
  getPlan,
  isPaidTier,
  lookupKeyFor,
  type PaidPlanTier,
  type PlanTier,
} from "../catalog/plans";
import { LIVE_STATUSES } from "../catalog/subscription";
import { getEntitlements } from "../entitlements";
import { resyncCustomer } from "../mirror/resync-customer";
import { callStripe } from "../stripe/call-stripe";
import type { BillingDeps } from "../stripe/client";
import { findCustomer, getOrCreateCustomer } from "./customer";

/** The workspace's billing page: where a checkout that could not start, or ended, leads. */
export const workspaceBillingPath = (slug: string) => `/w/${slug}/billing`;

export type CheckoutStart =
  | { started: true; url: string }
  | {
      started: false;
      /** What went wrong: the API answers it, a form shows its message. */
      error: AppError;
      /**
       * Where a page sends the person: the pricing page for a choice outside the catalog, the
       * change-plan confirmation when they already subscribe, else the billing page with the
       * error's code as its notice (the page shows fixed text for it; nothing from the URL).
       */
      next: string;
    };

/**
 * The one door to Checkout, for every way a person starts one: the billing page's form, the
 * pricing page's link (GET and POST /w/<slug>/checkout) and the API (POST
 * /api/workspaces/<slug>/billing/checkout). The caller has authorised the person for the
 * workspace's billing; `workspaceSlug` is the workspace's address, for the pages Stripe and a
 * refusal lead back to. Validates `choice` (a plan and a period of the catalog), charges the
 * workspace's checkout rate limit (RATE_LIMITS.checkout) only for a valid one, and creates the
 * session (`createCheckoutSession`). A refusal the person can act on (an AppError) is returned,
 * in the terms of each door, and logged; anything else is thrown.
 */
export async function startCheckout(
  deps: BillingDeps & { workspaceId: string; workspaceSlug: string; choice: unknown },
): Promise<CheckoutStart> {
  const { db, stripe, workspaceId, workspaceSlug } = deps;
  const choice = planChoiceSchema.safeParse(deps.choice);
  if (!choice.success) {
    const error = new AppError("validation_failed", "Choose a plan and a billing period.", {
      cause: choice.error,
    });
    return { started: false, error, next: "/pricing" };
  }
  const { plan, period } = choice.data;
  try {
    await enforceRateLimit(db, RATE_LIMITS.checkout, workspaceId);
    const { url } = await createCheckoutSession({
      db,
      stripe,
      workspaceId,
      workspaceSlug,
      tier: plan,
      period,
    });
    return { started: true, url };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    log.info({ workspaceId, plan, period, code: error.code }, "checkout not started");
    const page = workspaceBillingPath(workspaceSlug);
    const next =
      error.code === "subscription_exists"
        ? `${page}?${new URLSearchParams({ change: plan, period })}`
        : `${page}?${new URLSearchParams({ notice: error.code })}`;
    return { started: false, error, next };
  }
}

/** Statuses of a subscription that still exists and needs the user's attention, not a new one. */
const NEEDS_ATTENTION = ["past_due", "unpaid", "paused"] as const;

/**
 * A Stripe Checkout session (subscription mode) for a paid plan; returns its URL.
 *
 * - Free is not for sale (`plan_not_purchasable`); a user whose subscription grants a plan is
 *   sent to change it instead (`already_on_plan` for the same plan and period,
 *   `subscription_exists` otherwise), as is one whose subscription waits for a payment, or
 *   whose customer has a live subscription in Stripe the mirror has not caught up with yet.
 * - The prices come from the catalog's lookup keys (a monthly plan also carries its metered
 *   API-calls price, see `billsUsage`); the customer is created first
 *   (`getOrCreateCustomer`), and the session carries `client_reference_id` and
 *   `metadata.workspaceId`, so checkout.session.completed can always be tied back to the user.
 * - A trial of DEFAULT_TRIAL_DAYS only for a user who never had a subscription, neither in our
 *   mirror nor (when the customer existed before) in Stripe, where a mirror that missed a
 *   webhook would not see it.
 * - Idempotency key: user, price, trial and the minute, so a double submit gets one session; a
 *   session that key already gave and that was expired since is replaced by a new one.
 * - One at a time per user (a lease, `checkout:<workspaceId>`), and every other open session of the
 *   customer is then expired: only the newest checkout stays payable, so two tabs or two
 *   concurrent first checkouts cannot both be paid into two subscriptions (a double submit
 *   within the minute gets the same session back, which is kept). If another session was paid
 *   meanwhile, this one is expired too and `subscription_exists` is thrown.
 */
async function createCheckoutSession(
  deps: BillingDeps & {
    workspaceId: string;
    workspaceSlug: string;
    tier: PlanTier;
    period: BillingPeriod;
  },
): Promise<{ url: string }> {
  const { tier } = deps;
  if (!isPaidTier(tier)) {
    throw new AppError("plan_not_purchasable", `The ${getPlan(tier).name} plan is not for sale.`);
  }
  return withLease(deps.db, `checkout:${deps.workspaceId}`, CHECKOUT_LEASE, () =>
    createSessionLocked({ ...deps, tier }),
  );
}

const CHECKOUT_LEASE: WaitingLeaseOptions = {
  // Longer than the Stripe calls below can take with the client's timeout and retries.
  ttlMs: 5 * 60_000,
  waitMs: 15_000,
  busy: () =>
    new AppError(
      "conflict",
      "A checkout is already being started for this workspace. Try again in a moment.",
    ),
};

async function createSessionLocked(
  deps: BillingDeps & {
    workspaceId: string;
    workspaceSlug: string;
    tier: PaidPlanTier;
    period: BillingPeriod;
  },
): Promise<{ url: string }> {
  const { db, stripe, workspaceId, workspaceSlug, tier, period } = deps;
  const current = await getEntitlements(db, workspaceId);
  if (current.source === "subscription") {
    if (current.tier === tier && current.period === period) {
      throw new AppError("already_on_plan", `You are already on the ${current.plan.name} plan.`);
    }
    throw subscriptionExists(current.plan.name);
  }
  const [waiting] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.workspaceId, workspaceId),
        inArray(subscriptions.status, NEEDS_ATTENTION),
      ),
    )
    .limit(1);
  if (waiting) {
    throw new AppError(
      "subscription_exists",
      "Your subscription is waiting for a payment. Update your payment method in the billing portal.",
    );
  }

  const { price, metered } = await resolvePlanPrices(stripe, tier, period);
  const hadCustomer = (await findCustomer(db, workspaceId)) !== null;
  const customer = await getOrCreateCustomer(deps);
  const history = await subscriptionHistory(deps, customer, hadCustomer);
  if (history === "live") {
    // A webhook the mirror has not applied yet: catch up, and send the user to change plans.
    await resyncCustomer(deps, customer, { bestEffort: true });
    throw subscriptionExists(null);
  }
  const trialDays = history === "none" ? env().DEFAULT_TRIAL_DAYS : 0;
  const seats = Math.max(1, await memberCount(db, workspaceId));

  const frontend = env().FRONTEND_URL;
  const minute = Math.floor(Date.now() / 60_000);
  const create = (idempotencyKey: string) =>
    callStripe("checkout.sessions.create", () =>
      stripe.checkout.sessions.create(
        {
          mode: "subscription",
          customer,
          client_reference_id: workspaceId,
          metadata: { workspaceId },
          // The plan's price is tiered by seat: its quantity is the members the workspace has
          // now (the seat sync keeps it there afterwards). A metered price takes no quantity:
          // what it bills comes from the meter.
          line_items: [
            { price: price.id, quantity: seats },
            ...(metered ? [{ price: metered.id }] : []),
          ],
          subscription_data: {
            metadata: { workspaceId },
            ...(trialDays > 0 ? { trial_period_days: trialDays } : {}),
          },
          allow_promotion_codes: true,
          success_url: `${frontend}${workspaceBillingPath(workspaceSlug)}?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
          cancel_url: `${frontend}/pricing?checkout=canceled`,
        },
        { idempotencyKey },
      ),
    );
  const key = `checkout:${workspaceId}:${lookupKeyFor(tier, period)}:${seats}:${trialDays}:${minute}`;
  let session = await create(key);
  if (session.lastResponse.headers["idempotent-replayed"] === "true") {
    // Stripe answers a replayed key with the session as it was created; what matters is now.
    const replayed = session.id;
    session = await callStripe("checkout.sessions.retrieve", () =>
      stripe.checkout.sessions.retrieve(replayed),
    );
  }
  if (session.status === "complete") {
    // The same checkout, asked for again after it was paid within the minute.
    await resyncCustomer(deps, customer, { bestEffort: true });
    throw subscriptionExists(null);
  }
  if (session.status === "expired") {
    // The key's session was expired meanwhile (another checkout started in the same minute, then
    // this plan again): a new key, still derived from ours, so a double submit gets one session.
    session = await create(`${key}:after:${session.id}`);
  }
  if (!session.url) throw new Error(`checkout session ${session.id} has no URL`);
  if ((await expireOtherSessions(stripe, customer, session.id)) === "another_paid") {
    await callStripe("checkout.sessions.expire", () => stripe.checkout.sessions.expire(session.id));
    await resyncCustomer(deps, customer, { bestEffort: true });
    throw subscriptionExists(null);
  }
  return { url: session.url };
}

function subscriptionExists(planName: string | null): AppError {
  return new AppError(
    "subscription_exists",
    `You already have ${planName ? `the ${planName} plan` : "a subscription"}. Change your plan from the billing page instead.`,
  );
}

/**
 * What the customer has had in Stripe: `none` (a trial is due, unless the mirror knows of an
 * earlier subscription), `ended` subscriptions only, or a `live` one. A customer created just
 * now has had none, and is not asked about.
 */
async function subscriptionHistory(
  { db, stripe, workspaceId }: BillingDeps & { workspaceId: string },
  stripeCustomerId: string,
  customerExisted: boolean,
): Promise<"none" | "ended" | "live"> {
  const [any] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(eq(subscriptions.workspaceId, workspaceId))
    .limit(1);
  if (!customerExisted) return any ? "ended" : "none";
  const listed = await callStripe("subscriptions.list", () =>
    stripe.subscriptions.list({ customer: stripeCustomerId, status: "all", limit: 100 }),
  );
  if (listed.data.some((subscription) => LIVE_STATUSES.has(subscription.status))) return "live";
  return any || listed.data.length > 0 ? "ended" : "none";
}

/**
 * Expires the customer's open sessions but `keep`. `another_paid` when one of them was
 * completed before it could be expired (its subscription exists now).
 */
async function expireOtherSessions(
  stripe: Stripe,
  stripeCustomerId: string,
  keep: string,
): Promise<"done" | "another_paid"> {
  const open = await callStripe("checkout.sessions.list", () =>
    stripe.checkout.sessions.list({ customer: stripeCustomerId, status: "open", limit: 100 }),
  );
  for (const session of open.data) {
    if (session.id === keep) continue;
    try {
      await callStripe("checkout.sessions.expire", () =>
        stripe.checkout.sessions.expire(session.id),
      );
    } catch (error) {
      const now = await callStripe("checkout.sessions.retrieve", () =>
        stripe.checkout.sessions.retrieve(session.id),
      );
      if (now.status === "complete") return "another_paid";
      if (now.status !== "expired") throw error;
    }
  }
  return "done";
}
