/**
 * Customers' lives, made in the Stripe emulator as the app and its users make them: a user in
 * the app's database with their personal workspace, a Stripe customer linked to the workspace
 * (our `customers` table and `metadata.workspaceId`, as the checkout door makes it — or the
 * metadata alone, linked later by the webhook), Checkout paid through the control API, then plan changes, failing and replaced
 * cards, cancellations and deletions through the API, with the emulator's wall clock moved
 * forward between the steps (trial ends, renewals, payment retries). Nothing is delivered here:
 * the emulator records the events, and the harness delivers them later.
 *
 * Subscriptions are made in Tollgate's shape (a monthly plan carries its metered API-calls
 * item; a downgrade records the kept plan), so the mirror's repair never has to write to
 * Stripe while the events are applied.
 */
import type Stripe from "stripe";
import type { Database } from "../../../db";
import { customers, users, workspaceMembers, workspaces } from "../../../db/schema";
import {
  type BillingPeriod,
  lookupKeyFor,
  meteredLookupKeyFor,
  type PaidPlanTier,
} from "../../billing/catalog/plans";
import { keepPlanMetadata, meteredItemOf } from "../../billing/catalog/subscription";
import { personalSlug } from "../../workspaces/slug";

export const SCENARIOS = [
  /** Pro monthly with a trial; the trial ends and is charged; the plan renews. */
  "trial-then-renewals",
  /** Pro monthly, upgraded to Enterprise at once (the proration invoiced and charged). */
  "upgrade",
  /** Enterprise monthly, downgraded to Pro kept until the renewal, which bills Pro. */
  "downgrade-at-period-end",
  /** A trial on a card that fails: past_due at its end, then a new card pays the invoice. */
  "failed-payment-recovers",
  /** Its card starts failing before the renewal: retries, then the subscription is canceled. */
  "failed-payment-ends",
  /** Pro monthly set to cancel at the period's end; the renewal ends it. */
  "cancel-at-period-end",
  /** Pro yearly, canceled at once. */
  "cancel-now",
  /** Pro monthly with a trial; the customer is deleted after the first renewals. */
  "customer-deleted",
  /** Pro monthly moved to yearly billing at once (the metered item goes). */
  "monthly-to-yearly",
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The points of the lives between which the emulator's clock moves (`runLifecycles`). */
export const STEPS = [
  "subscribed",
  "plans changed",
  "trials ended",
  "renewed",
  "retries spent",
] as const;
export type Step = (typeof STEPS)[number];

export interface ChaosCustomer {
  index: number;
  scenario: Scenario;
  /** The personal workspace of the customer's user, which the customer bills. */
  workspaceId: string;
  customerId: string;
  subscriptionId: string;
  /** How the app knows the customer: our link table (as the checkout door writes it), or
   *  `metadata.workspaceId` alone (the webhook makes the link). */
  linkedBy: "table" | "metadata";
  deleted: boolean;
}

export interface LifecycleDeps {
  db: Database;
  stripe: Stripe;
  control<T = unknown>(method: "GET" | "POST", route: string, body?: unknown): Promise<T>;
  /** Distinguishes this run's emails from another's on the same emulator. */
  tag?: string;
}

const DAY = 86_400;

/** The active price of each lookup key, read once per client. */
const prices = new WeakMap<Stripe, Map<string, Stripe.Price>>();
async function priceOf(stripe: Stripe, lookupKey: string): Promise<Stripe.Price> {
  const known = prices.get(stripe) ?? new Map<string, Stripe.Price>();
  prices.set(stripe, known);
  const cached = known.get(lookupKey);
  if (cached) return cached;
  const [price] = (await stripe.prices.list({ lookup_keys: [lookupKey], active: true })).data;
  if (!price) throw new Error(`no price ${lookupKey}: is the catalog synced?`);
  known.set(lookupKey, price);
  return price;
}

/** The plan's price, and its metered price when the plan bills usage (monthly). */
async function planLineItems(
  stripe: Stripe,
  tier: PaidPlanTier,
  period: BillingPeriod,
): Promise<Stripe.Checkout.SessionCreateParams.LineItem[]> {
  const price = await priceOf(stripe, lookupKeyFor(tier, period));
  if (period === "yearly") return [{ price: price.id, quantity: 1 }];
  const metered = await priceOf(stripe, meteredLookupKeyFor(tier));
  return [{ price: price.id, quantity: 1 }, { price: metered.id }];
}

export interface Plan {
  tier: PaidPlanTier;
  period: BillingPeriod;
  trialDays: number;
  /** A test card number. */
  card: string;
}

export const VISA = "4242424242424242";
/** Attaches; every charge fails. */
export const FAILING_CARD = "4000000000000341";

/**
 * A new subscriber as the app makes one: a user, a Stripe customer that names it (linked in our
 * table unless `linkedBy` is metadata), and Checkout for `plan` as the checkout door starts it,
 * paid through the hosted page's form.
 */
export async function subscribe(
  deps: LifecycleDeps,
  index: number,
  plan: Plan,
  linkedBy: ChaosCustomer["linkedBy"] = "table",
): Promise<{ workspaceId: string; customerId: string; subscriptionId: string }> {
  const { db, stripe, tag = "" } = deps;
  const email = `chaos-${tag}${index}@example.com`;
  const [user] = await db
    .insert(users)
    .values({ email, name: `Chaos ${index}` })
    .returning({ id: users.id });
  if (!user) throw new Error("no user");
  // The personal workspace sign-up gives (lib/workspaces/workspaces.ts is server-only, and this
  // runs under Playwright too).
  const [workspace] = await db
    .insert(workspaces)
    .values({ name: "Personal", slug: personalSlug(user.id), personalUserId: user.id })
    .returning({ id: workspaces.id });
  if (!workspace) throw new Error("no workspace");
  const workspaceId = workspace.id;
  await db.insert(workspaceMembers).values({ workspaceId, userId: user.id, role: "owner" });
  const customer = await stripe.customers.create({ email, metadata: { workspaceId } });
  if (linkedBy === "table") {
    await db.insert(customers).values({ workspaceId, stripeCustomerId: customer.id, email });
  }
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    client_reference_id: workspaceId,
    metadata: { workspaceId },
    line_items: await planLineItems(stripe, plan.tier, plan.period),
    subscription_data: {
      metadata: { workspaceId },
      ...(plan.trialDays > 0 ? { trial_period_days: plan.trialDays } : {}),
    },
    success_url: "http://127.0.0.1/account/billing?session_id={CHECKOUT_SESSION_ID}",
  });
  const paid = await deps.control<{ subscription?: string | null }>(
    "POST",
    `/checkout/${session.id}/pay`,
    { card: plan.card },
  );
  if (!paid.subscription) throw new Error(`checkout ${session.id} made no subscription`);
  return { workspaceId, customerId: customer.id, subscriptionId: paid.subscription };
}

/** Moves the plan item (and the metered item with it) to `tier`/`period`. */
async function planItems(
  stripe: Stripe,
  subscription: Stripe.Subscription,
  tier: PaidPlanTier,
  period: BillingPeriod,
): Promise<Stripe.SubscriptionUpdateParams.Item[]> {
  const planItem = subscription.items.data.find(
    (item) => item.price.recurring?.usage_type !== "metered",
  );
  if (!planItem) throw new Error(`${subscription.id} has no plan item`);
  const price = await priceOf(stripe, lookupKeyFor(tier, period));
  const items: Stripe.SubscriptionUpdateParams.Item[] = [{ id: planItem.id, price: price.id }];
  const metered = meteredItemOf(subscription);
  if (period === "yearly") {
    if (metered) items.push({ id: metered.id, deleted: true });
  } else {
    const meteredPrice = await priceOf(stripe, meteredLookupKeyFor(tier));
    items.push(metered ? { id: metered.id, price: meteredPrice.id } : { price: meteredPrice.id });
  }
  return items;
}

/** A card that becomes the customer's and the subscription's way to pay. */
async function switchCard(
  stripe: Stripe,
  customerId: string,
  subscriptionId: string,
  token: "pm_card_visa" | "pm_card_chargeCustomerFail",
): Promise<string> {
  const card = await stripe.paymentMethods.attach(token, { customer: customerId });
  await stripe.customers.update(customerId, {
    invoice_settings: { default_payment_method: card.id },
  });
  await stripe.subscriptions.update(subscriptionId, { default_payment_method: card.id });
  return card.id;
}

/** Moves the emulator's wall clock `days` forward: what became due happens. */
export async function advanceDays(deps: LifecycleDeps, days: number): Promise<void> {
  await deps.control("POST", "/clock/advance", { seconds: days * DAY });
}

/**
 * Makes `count` customers, one scenario after another in turn, and lives their lives: about 50
 * days of the emulator's wall clock. Returns what it made.
 */
export async function runLifecycles(
  deps: LifecycleDeps,
  count: number,
  { afterStep }: { afterStep?: (step: Step) => Promise<void> } = {},
): Promise<ChaosCustomer[]> {
  const step = async (name: Step) => {
    await afterStep?.(name);
  };
  const { stripe } = deps;
  const made: ChaosCustomer[] = [];
  const of = (scenario: Scenario) => made.filter((customer) => customer.scenario === scenario);

  // Day 0: everyone subscribes.
  for (let index = 0; index < count; index++) {
    const scenario = SCENARIOS[index % SCENARIOS.length] as Scenario;
    // Every third customer is linked by its metadata alone; a deleted one always by our table,
    // as the checkout door leaves it (the metadata of a deleted customer cannot be read).
    const linkedBy = index % 3 === 2 && scenario !== "customer-deleted" ? "metadata" : "table";
    const plans = {
      "trial-then-renewals": { tier: "pro", period: "monthly", trialDays: 14, card: VISA },
      upgrade: { tier: "pro", period: "monthly", trialDays: 0, card: VISA },
      "downgrade-at-period-end": {
        tier: "enterprise",
        period: "monthly",
        trialDays: 0,
        card: VISA,
      },
      "failed-payment-recovers": {
        tier: "pro",
        period: "monthly",
        trialDays: 14,
        card: FAILING_CARD,
      },
      "failed-payment-ends": { tier: "pro", period: "monthly", trialDays: 0, card: VISA },
      "cancel-at-period-end": { tier: "pro", period: "monthly", trialDays: 0, card: VISA },
      "cancel-now": { tier: "pro", period: "yearly", trialDays: 0, card: VISA },
      "customer-deleted": { tier: "pro", period: "monthly", trialDays: 14, card: VISA },
      "monthly-to-yearly": { tier: "pro", period: "monthly", trialDays: 0, card: VISA },
    } as const satisfies Record<Scenario, Plan>;
    const subscriber = await subscribe(deps, index, plans[scenario], linkedBy);
    made.push({ index, scenario, ...subscriber, linkedBy, deleted: false });
  }

  await step("subscribed");

  // Day 2: plan changes, cancellations, a card that will fail.
  await advanceDays(deps, 2);
  for (const customer of of("upgrade")) {
    const subscription = await stripe.subscriptions.retrieve(customer.subscriptionId);
    await stripe.subscriptions.update(customer.subscriptionId, {
      items: await planItems(stripe, subscription, "enterprise", "monthly"),
      proration_behavior: "always_invoice",
      payment_behavior: "error_if_incomplete",
    });
  }
  for (const customer of of("downgrade-at-period-end")) {
    const subscription = await stripe.subscriptions.retrieve(customer.subscriptionId);
    const paidUntil = subscription.items.data[0]?.current_period_end;
    if (!paidUntil) throw new Error(`${subscription.id} has no period`);
    await stripe.subscriptions.update(customer.subscriptionId, {
      items: await planItems(stripe, subscription, "pro", "monthly"),
      proration_behavior: "none",
      metadata: keepPlanMetadata(lookupKeyFor("enterprise", "monthly"), paidUntil),
    });
  }
  for (const customer of of("monthly-to-yearly")) {
    const subscription = await stripe.subscriptions.retrieve(customer.subscriptionId);
    await stripe.subscriptions.update(customer.subscriptionId, {
      items: await planItems(stripe, subscription, "pro", "yearly"),
      proration_behavior: "always_invoice",
      payment_behavior: "error_if_incomplete",
    });
  }
  for (const customer of of("failed-payment-ends")) {
    await switchCard(
      stripe,
      customer.customerId,
      customer.subscriptionId,
      "pm_card_chargeCustomerFail",
    );
  }
  for (const customer of of("cancel-at-period-end")) {
    await stripe.subscriptions.update(customer.subscriptionId, { cancel_at_period_end: true });
  }
  for (const customer of of("cancel-now")) {
    await stripe.subscriptions.cancel(customer.subscriptionId);
  }

  await step("plans changed");

  // Day 15: the trials have ended (charged, or past_due on the failing card). A new card pays.
  await advanceDays(deps, 13);
  for (const customer of of("failed-payment-recovers")) {
    const card = await switchCard(
      stripe,
      customer.customerId,
      customer.subscriptionId,
      "pm_card_visa",
    );
    const subscription = await stripe.subscriptions.retrieve(customer.subscriptionId);
    if (subscription.status !== "past_due") {
      throw new Error(`${subscription.id} is ${subscription.status}, not past_due`);
    }
    await stripe.invoices.pay(String(subscription.latest_invoice), { payment_method: card });
  }

  await step("trials ended");

  // Day 32: the monthly plans without a trial renew (one renewal fails); then a deletion.
  await advanceDays(deps, 17);
  for (const customer of of("customer-deleted")) {
    await stripe.customers.del(customer.customerId);
    customer.deleted = true;
  }

  await step("renewed");

  // Day 47: the failing renewal's retries are spent; the trial plans renew.
  await advanceDays(deps, 15);
  await step("retries spent");
  return made;
}

/** How each life ends in Stripe: the subscription's status and plan. */
const ENDINGS: Record<Scenario, { status: Stripe.Subscription.Status; lookupKey: string }> = {
  "trial-then-renewals": { status: "active", lookupKey: "pro_monthly" },
  upgrade: { status: "active", lookupKey: "enterprise_monthly" },
  "downgrade-at-period-end": { status: "active", lookupKey: "pro_monthly" },
  "failed-payment-recovers": { status: "active", lookupKey: "pro_monthly" },
  "failed-payment-ends": { status: "canceled", lookupKey: "pro_monthly" },
  "cancel-at-period-end": { status: "canceled", lookupKey: "pro_monthly" },
  "cancel-now": { status: "canceled", lookupKey: "pro_yearly" },
  "customer-deleted": { status: "canceled", lookupKey: "pro_monthly" },
  "monthly-to-yearly": { status: "active", lookupKey: "pro_yearly" },
};

/**
 * The harness's own check that the lives went as written (a change in the emulator could make
 * a scenario test less than it says): one line per life that did not end as planned.
 */
export async function livesGoneWrong(
  stripe: Stripe,
  made: readonly ChaosCustomer[],
): Promise<string[]> {
  const wrong: string[] = [];
  for (const customer of made) {
    const subscription = await stripe.subscriptions.retrieve(customer.subscriptionId);
    const lookupKey = subscription.items.data.find(
      (item) => item.price.recurring?.usage_type !== "metered",
    )?.price.lookup_key;
    const ending = ENDINGS[customer.scenario];
    if (subscription.status !== ending.status || lookupKey !== ending.lookupKey) {
      wrong.push(
        `${customer.scenario} #${customer.index}: ${subscription.status} on ${String(lookupKey)}, ` +
          `not ${ending.status} on ${ending.lookupKey}`,
      );
    }
  }
  return wrong;
}
