// The webhook secret of this file's tests; set before anything reads the configuration.
process.env.STRIPE_WEBHOOK_SECRET = "whsec_tollgate_webhook_deletion_tests";

import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { customers, invoices, subscriptions, users, webhookEvents } from "@/db/schema";
import { getEntitlements } from "@/lib/billing/entitlements";
import { applyCustomerSnapshot } from "@/lib/billing/mirror/apply-snapshot";
import { fetchCustomerSnapshot } from "@/lib/billing/mirror/snapshot";
import { type BillingTest, useBillingTest } from "@/lib/testing/billing";
import { eventsAbout, subscribeInStripe, webhookDelivery } from "@/lib/testing/webhooks";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { POST } from "./route";

const SECRET = "whsec_tollgate_webhook_deletion_tests";
const billing = useBillingTest();
const hooks = webhookDelivery(POST, billing, SECRET);
let db: BillingTest["db"];
let stripe: Stripe;

beforeAll(() => {
  ({ db, stripe } = billing);
});

let sequence = 0;

/**
 * A user's personal workspace and its Stripe customer (with metadata.workspaceId), linked as
 * checkout links it unless `link` is false, on Pro unless `subscribe` is false.
 */
async function customerOf(options: { subscribe?: boolean; link?: boolean } = {}) {
  sequence += 1;
  const email = `gone-${sequence}@example.com`;
  const [user] = await db.insert(users).values({ email }).returning({ id: users.id });
  if (!user) throw new Error("no user");
  const workspaceId = (await ensurePersonalWorkspace(db, user.id)).id;
  const customer = await stripe.customers.create({ email, metadata: { workspaceId } });
  if (options.link ?? true) {
    await db.insert(customers).values({ workspaceId, stripeCustomerId: customer.id, email });
  }
  const subscription =
    (options.subscribe ?? true) ? await subscribeInStripe(stripe, customer.id) : null;
  return { workspaceId, customer, subscription };
}

async function deliverAll(events: Stripe.Event[]): Promise<void> {
  for (const event of events) expect((await hooks.deliver(event)).status).toBe(200);
}

async function mirrored(stripeSubscriptionId: string) {
  const [row] = await db
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.stripeSubscriptionId, stripeSubscriptionId));
  return row;
}

async function ledger(eventId: string) {
  const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId));
  return row;
}

describe("a customer deleted in Stripe", () => {
  it("ends the mirrored subscription and drops the user to Free on customer.deleted", async () => {
    const { workspaceId, customer, subscription } = await customerOf();
    if (!subscription) throw new Error("no subscription");
    await deliverAll(await eventsAbout(stripe, customer.id));
    expect((await getEntitlements(db, workspaceId)).tier).toBe("pro");

    await stripe.customers.del(customer.id);
    const deleted = (await eventsAbout(stripe, customer.id)).find(
      (event) => event.type === "customer.deleted",
    );
    if (!deleted) throw new Error("no customer.deleted event");
    expect(await hooks.deliver(deleted)).toEqual({ status: 200, outcome: "processed" });

    expect(await mirrored(subscription.id)).toMatchObject({ status: "canceled" });
    expect((await mirrored(subscription.id))?.endedAt).toBeInstanceOf(Date);
    expect((await getEntitlements(db, workspaceId)).tier).toBe("free");
    const [link] = await db.select().from(customers).where(eq(customers.workspaceId, workspaceId));
    expect(link?.deletedAt).toBeInstanceOf(Date);
  });

  it("stays ended when the customer's earlier events arrive late, in any order", async () => {
    const { workspaceId, customer, subscription } = await customerOf();
    if (!subscription) throw new Error("no subscription");
    // Mirrored by a re-sync; none of the customer's events has arrived yet.
    const live = await fetchCustomerSnapshot(db, stripe, customer.id);
    await db.transaction((tx) => applyCustomerSnapshot(tx, live));
    expect(await mirrored(subscription.id)).toMatchObject({ status: "active" });
    const before = await eventsAbout(stripe, customer.id);
    await stripe.customers.del(customer.id);
    const after = (await eventsAbout(stripe, customer.id)).slice(before.length);
    // The deletion first, then every older event late, then all of them again.
    await deliverAll([...after, ...before.reverse(), ...after, ...before]);
    expect(await mirrored(subscription.id)).toMatchObject({ status: "canceled" });
    expect((await getEntitlements(db, workspaceId)).tier).toBe("free");
  });

  it("does not revive a subscription from a fetch made before the deletion but written after it", async () => {
    const { workspaceId, customer, subscription } = await customerOf();
    if (!subscription) throw new Error("no subscription");
    // Fetched while the customer was live; its write is slow.
    const stale = await fetchCustomerSnapshot(db, stripe, customer.id);
    expect(stale.subscriptions.map((listed) => listed.status)).toEqual(["active"]);
    await stripe.customers.del(customer.id);
    const deleted = (await eventsAbout(stripe, customer.id)).find(
      (event) => event.type === "customer.deleted",
    );
    if (!deleted) throw new Error("no customer.deleted event");
    await hooks.deliver(deleted);

    await db.transaction((tx) => applyCustomerSnapshot(tx, stale));
    expect(await mirrored(subscription.id)).toBeUndefined();
    expect((await getEntitlements(db, workspaceId)).tier).toBe("free");
  });

  it("keeps the invoices paid just before the deletion when their events arrive after it", async () => {
    // Paid, then deleted before the app applied anything (a job delayed, an outage).
    const { workspaceId, customer, subscription } = await customerOf();
    if (!subscription) throw new Error("no subscription");
    const paid = String(subscription.latest_invoice);
    await stripe.customers.del(customer.id);
    await deliverAll(await eventsAbout(stripe, customer.id));

    const [row] = await db.select().from(invoices).where(eq(invoices.stripeInvoiceId, paid));
    const inStripe = await stripe.invoices.retrieve(paid);
    expect(inStripe.status).toBe("paid");
    expect(row).toMatchObject({
      workspaceId,
      stripeCustomerId: customer.id,
      status: "paid",
      amountPaid: inStripe.amount_paid,
      planTier: "pro",
    });
    expect((await getEntitlements(db, workspaceId)).tier).toBe("free");
  });

  it("treats a customer Stripe answers 404 for as deleted, and applies the event", async () => {
    const { workspaceId } = await customerOf({ subscribe: false, link: false });
    // A link and a mirrored subscription for a customer this Stripe account does not have.
    await db.insert(customers).values({ workspaceId, stripeCustomerId: "cus_unknowntostripe" });
    await db.insert(subscriptions).values({
      workspaceId,
      stripeSubscriptionId: "sub_unknowntostripe",
      stripeCustomerId: "cus_unknowntostripe",
      planTier: "pro",
      billingPeriod: "yearly",
      status: "active",
    });
    const event = {
      id: "evt_about_unknown_customer",
      object: "event",
      api_version: "2026-10-28.endive",
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: "customer.updated",
      data: { object: { id: "cus_unknowntostripe", object: "customer" } },
    } as unknown as Stripe.Event;

    expect(await hooks.deliver(event)).toEqual({ status: 200, outcome: "processed" });
    expect(await mirrored("sub_unknowntostripe")).toMatchObject({ status: "canceled" });
    expect((await getEntitlements(db, workspaceId)).tier).toBe("free");
    expect(await ledger(event.id)).toMatchObject({ status: "processed", attempts: 1 });
  });

  it("clears the deletion mark when Stripe shows the customer live in a later fetch", async () => {
    // The mark came from a 404 that was no deletion (say a key of another account, since fixed).
    const { workspaceId, customer, subscription } = await customerOf({ link: false });
    if (!subscription) throw new Error("no subscription");
    await db.insert(customers).values({
      workspaceId,
      stripeCustomerId: customer.id,
      deletedAt: new Date(Date.now() - 60_000),
    });
    await deliverAll(await eventsAbout(stripe, customer.id));
    const [link] = await db.select().from(customers).where(eq(customers.workspaceId, workspaceId));
    expect(link?.deletedAt).toBeNull();
    expect(await mirrored(subscription.id)).toMatchObject({ status: "active" });
    expect((await getEntitlements(db, workspaceId)).tier).toBe("pro");
  });
});

describe("a draft invoice deleted in Stripe", () => {
  it("is skipped by its invoice.created event, and invoice.deleted removes its mirrored row", async () => {
    const { customer } = await customerOf({ subscribe: false });
    const draft = await stripe.invoices.create({ customer: customer.id });
    const created = (await eventsAbout(stripe, customer.id)).find(
      (event) => event.type === "invoice.created",
    );
    if (!created) throw new Error("no invoice.created event");
    expect(await hooks.deliver(created)).toEqual({ status: 200, outcome: "processed" });
    const rowOf = async () =>
      (await db.select().from(invoices).where(eq(invoices.stripeInvoiceId, draft.id)))[0];
    expect(await rowOf()).toMatchObject({ status: "draft" });

    await stripe.invoices.del(draft.id);
    const gone = (await eventsAbout(stripe, customer.id)).find(
      (event) => event.type === "invoice.deleted",
    );
    if (!gone) throw new Error("no invoice.deleted event");
    expect(await hooks.deliver(gone)).toEqual({ status: 200, outcome: "processed" });
    expect(await rowOf()).toBeUndefined();

    // The creation arriving only now (a retry, or a first delivery that came late): no poison.
    await db.delete(webhookEvents).where(eq(webhookEvents.id, created.id));
    expect(await hooks.deliver(created)).toEqual({ status: 200, outcome: "processed" });
    expect(await rowOf()).toBeUndefined();
    expect(await ledger(created.id)).toMatchObject({ status: "processed", lastError: null });
  });
});
