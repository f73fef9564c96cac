import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { invoices, users } from "@/db/schema";
import { useBillingTest } from "@/lib/testing/billing";
import { withAmount } from "@/lib/testing/catalog";
import { TEST_ORIGIN } from "@/lib/testing/http";
import { subscriberWithoutWebhooks } from "@/lib/testing/webhooks";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { clientFor, DAY } from "@/stripe-emulator/testing";
import { pushCatalog, stripeCatalog } from "../catalog/push-catalog";
import { keepPlanMetadata, planOfSubscription } from "../catalog/subscription";
import { reconcileBilling } from "./reconcile";
import { resyncCustomer } from "./resync-customer";

/**
 * The plan an invoice row records is the plan the invoice charged, read from its lines, however
 * late the mirror first sees it: subscriptions here are made and changed in Stripe behind the
 * app's back (no webhooks reach it), and the mirror runs after the change.
 */
const t = useBillingTest();

async function priceOf(lookupKey: string): Promise<Stripe.Price> {
  const [price] = (await t.stripe.prices.list({ lookup_keys: [lookupKey], active: true })).data;
  if (!price) throw new Error(`no price ${lookupKey}`);
  return price;
}

function planItemOf(subscription: Stripe.Subscription): Stripe.SubscriptionItem {
  const { item } = planOfSubscription(subscription);
  if (!item) throw new Error("no plan item");
  return item;
}

/** Stripe's invoices of the customer, oldest first. */
async function stripeInvoices(customer: string): Promise<Stripe.Invoice[]> {
  const all: Stripe.Invoice[] = [];
  for await (const invoice of t.stripe.invoices.list({ customer, limit: 100 })) all.push(invoice);
  return all.reverse();
}

async function mirroredPlanOf(stripeInvoiceId: string) {
  const [row] = await t.db
    .select({ planTier: invoices.planTier })
    .from(invoices)
    .where(eq(invoices.stripeInvoiceId, stripeInvoiceId));
  return row?.planTier;
}

/** The mirrored plan of each of the customer's invoices in Stripe, oldest first. */
async function mirroredPlans(customer: string) {
  const plans = [];
  for (const invoice of await stripeInvoices(customer)) {
    plans.push({ id: invoice.id, planTier: await mirroredPlanOf(invoice.id) });
  }
  return plans;
}

const resync = (customer: string) => resyncCustomer({ db: t.db, stripe: t.stripe }, customer);

/** A user, and a customer of their personal workspace on a test clock frozen at `start`, paying by Visa. */
async function clockSubscriber(email: string, start: number, lookupKey: string) {
  const [user] = await t.db.insert(users).values({ email }).returning({ id: users.id });
  if (!user) throw new Error("no user");
  const workspace = await ensurePersonalWorkspace(t.db, user.id);
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: start });
  const customer = await t.stripe.customers.create({
    email,
    test_clock: clock.id,
    metadata: { workspaceId: workspace.id },
  });
  const card = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  const subscription = await t.stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: (await priceOf(lookupKey)).id }],
    default_payment_method: card.id,
  });
  return { clock, customerId: customer.id, subscription };
}

describe("the plan of a mirrored invoice", () => {
  it("stays the plan it billed when the mirror first runs after an upgrade", async () => {
    const { customerId, subscription } = await subscriberWithoutWebhooks(
      t.db,
      t.stripe,
      "upgrader@example.com",
      { lookupKey: "pro_monthly" },
    );
    await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: planItemOf(subscription).id, price: (await priceOf("enterprise_monthly")).id }],
      proration_behavior: "always_invoice",
    });
    const [first, upgrade] = await stripeInvoices(customerId);
    expect(first).toMatchObject({ status: "paid", amount_paid: 2_900 });
    expect(upgrade?.lines.data.map((line) => Math.sign(line.amount))).toEqual([-1, 1]);

    await resync(customerId);
    expect(await mirroredPlans(customerId)).toEqual([
      { id: first?.id, planTier: "pro" },
      { id: upgrade?.id, planTier: "enterprise" },
    ]);
  });

  it("stays the plan it billed after a downgrade kept to the period's end, which the renewal bills", async () => {
    const start = Date.UTC(2026, 0, 15) / 1000;
    const { clock, customerId, subscription } = await clockSubscriber(
      "downgrader@example.com",
      start,
      "enterprise_monthly",
    );
    const item = planItemOf(subscription);
    // As Tollgate downgrades: the price swapped at once without prorations, the plan paid for kept.
    await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: (await priceOf("pro_monthly")).id }],
      proration_behavior: "none",
      metadata: keepPlanMetadata("enterprise_monthly", item.current_period_end),
    });
    await resync(customerId);
    const [paid] = await stripeInvoices(customerId);
    expect(paid).toMatchObject({ status: "paid", amount_paid: 29_900 });
    expect(await mirroredPlans(customerId)).toEqual([{ id: paid?.id, planTier: "enterprise" }]);

    await t.stripe.testHelpers.testClocks.advance(clock.id, {
      frozen_time: item.current_period_end + DAY,
    });
    await resync(customerId);
    const [, renewal] = await stripeInvoices(customerId);
    expect(renewal).toMatchObject({ status: "paid", billing_reason: "subscription_cycle" });
    expect(await mirroredPlans(customerId)).toEqual([
      { id: paid?.id, planTier: "enterprise" },
      { id: renewal?.id, planTier: "pro" },
    ]);
  });

  it("is read from every line of an invoice with more than Stripe embeds", async () => {
    const { customerId, subscription } = await subscriberWithoutWebhooks(
      t.db,
      t.stripe,
      "fiddler@example.com",
      { lookupKey: "pro_monthly" },
    );
    const item = planItemOf(subscription);
    // Five seat changes leave ten Pro prorations pending; the upgrade invoices them with its own.
    for (const quantity of [2, 3, 2, 3, 2]) {
      await t.stripe.subscriptions.update(subscription.id, {
        items: [{ id: item.id, quantity }],
        proration_behavior: "create_prorations",
      });
    }
    await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: (await priceOf("enterprise_monthly")).id }],
      proration_behavior: "always_invoice",
    });
    const upgrade = (await stripeInvoices(customerId)).at(-1);
    if (!upgrade) throw new Error("no upgrade invoice");
    // The first ten lines charge Pro only; the Enterprise lines come after them.
    expect(upgrade.lines).toMatchObject({ has_more: true });
    expect(upgrade.lines.data).toHaveLength(10);

    await resync(customerId);
    expect(await mirroredPlanOf(upgrade.id)).toBe("enterprise");
  });

  it("is corrected by reconcile when a row says the wrong plan, however old the invoice", async () => {
    const { customerId } = await subscriberWithoutWebhooks(t.db, t.stripe, "old@example.com", {
      lookupKey: "pro_yearly",
    });
    await resync(customerId);
    const [paid] = await stripeInvoices(customerId);
    if (!paid) throw new Error("no invoice");
    expect(await mirroredPlanOf(paid.id)).toBe("pro");
    // A hundred newer invoices push it out of the window a webhook's fetch reads.
    for (let n = 0; n < 100; n++) await t.stripe.invoices.create({ customer: customerId });
    await t.db
      .update(invoices)
      .set({ planTier: "enterprise" })
      .where(eq(invoices.stripeInvoiceId, paid.id));

    await resync(customerId);
    expect(await mirroredPlanOf(paid.id)).toBe("enterprise");
    await reconcileBilling(t.db, t.stripe);
    expect(await mirroredPlanOf(paid.id)).toBe("pro");
    // The hundred one-off invoices charge no plan.
    const plans = await mirroredPlans(customerId);
    expect(plans).toHaveLength(101);
    expect(plans.filter((row) => row.planTier !== null)).toEqual([
      { id: paid.id, planTier: "pro" },
    ]);
  });

  it("knows a catalog price replaced since, and one added since the catalog was read", async () => {
    const early = await subscriberWithoutWebhooks(t.db, t.stripe, "early@example.com", {
      lookupKey: "pro_monthly",
    });
    await resync(early.customerId);
    const replaced = await priceOf("pro_monthly");
    // Pro costs more from now on: a new price takes the lookup key, the old one is archived.
    await pushCatalog(t.stripe, {
      frontendUrl: TEST_ORIGIN,
      catalog: withAmount(stripeCatalog(), "pro_monthly", 39_00),
    });
    expect(await t.stripe.prices.retrieve(replaced.id)).toMatchObject({
      active: false,
      lookup_key: null,
    });

    const late = await subscriberWithoutWebhooks(t.db, t.stripe, "late@example.com", {
      lookupKey: "pro_monthly",
    });
    await resync(late.customerId);
    const [lateInvoice] = await stripeInvoices(late.customerId);
    expect(lateInvoice).toMatchObject({ amount_paid: 39_00 });
    expect(await mirroredPlanOf(lateInvoice?.id ?? "")).toBe("pro");

    // A process started since never saw the old price under its key.
    const [earlyInvoice] = await stripeInvoices(early.customerId);
    await t.db
      .update(invoices)
      .set({ planTier: null })
      .where(eq(invoices.stripeCustomerId, early.customerId));
    await resyncCustomer({ db: t.db, stripe: clientFor(t.emulator.emu) }, early.customerId);
    expect(await mirroredPlanOf(earlyInvoice?.id ?? "")).toBe("pro");
  });
});
