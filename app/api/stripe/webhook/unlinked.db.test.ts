// The webhook secret of this file's tests; set before anything reads the configuration.
process.env.STRIPE_WEBHOOK_SECRET = "whsec_tollgate_webhook_unlinked_tests";

import { eq, inArray } from "drizzle-orm";
import type Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { customers, subscriptions, users, webhookEvents } from "@/db/schema";
import { listWebhookEvents } from "@/lib/admin/webhook-events";
import { getEntitlements } from "@/lib/billing/entitlements";
import { reconcileBilling } from "@/lib/billing/mirror/reconcile";
import { replayWebhookEvent } from "@/lib/billing/mirror/replay-event";
import { isHandledWebhookEvent } from "@/lib/billing/mirror/webhook-events";
import { type BillingTest, useBillingTest } from "@/lib/testing/billing";
import { eventsAbout, subscribeInStripe, webhookDelivery } from "@/lib/testing/webhooks";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { POST } from "./route";

const SECRET = "whsec_tollgate_webhook_unlinked_tests";
const billing = useBillingTest();
const hooks = webhookDelivery(POST, billing, SECRET);
let db: BillingTest["db"];
let stripe: Stripe;

beforeAll(() => {
  ({ db, stripe } = billing);
});

/**
 * A user with their personal workspace, and a Stripe customer on Pro that nothing links to the
 * workspace yet, with its events.
 */
async function unlinkedSubscriber(email: string) {
  const [user] = await db.insert(users).values({ email }).returning({ id: users.id });
  if (!user) throw new Error("no user");
  const workspaceId = (await ensurePersonalWorkspace(db, user.id)).id;
  const customer = await stripe.customers.create({ email });
  const subscription = await subscribeInStripe(stripe, customer.id);
  // The types Tollgate handles; the others are ignored whoever they are about.
  const events = (await eventsAbout(stripe, customer.id)).filter((event) =>
    isHandledWebhookEvent(event.type),
  );
  return { userId: user.id, workspaceId, customer, subscription, events };
}

async function statuses(events: Stripe.Event[]) {
  const rows = await db
    .select({ status: webhookEvents.status })
    .from(webhookEvents)
    .where(
      inArray(
        webhookEvents.id,
        events.map((event) => event.id),
      ),
    );
  return new Set(rows.map((row) => row.status));
}

async function mirrored(stripeSubscriptionId: string) {
  const [row] = await db
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.stripeSubscriptionId, stripeSubscriptionId));
  return row;
}

describe("events about a customer linked to no workspace", () => {
  it("are recorded unlinked, listed as such, and stay retryable", async () => {
    const { events, subscription } = await unlinkedSubscriber("nobody-yet@example.com");
    for (const event of events) {
      expect(await hooks.deliver(event)).toEqual({ status: 200, outcome: "unlinked" });
    }
    expect(await statuses(events)).toEqual(new Set(["unlinked"]));
    expect(await mirrored(subscription.id)).toBeUndefined();

    const listed = await listWebhookEvents(db, { status: "unlinked", limit: 100 });
    expect(listed.events.map((event) => event.id).sort()).toEqual(
      events.map((event) => event.id).sort(),
    );
    const [first] = events;
    if (!first) throw new Error("no events");
    // A redelivery tries again (it is no duplicate), and is still unlinked.
    const [before] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, first.id));
    expect(await hooks.deliver(first)).toEqual({ status: 200, outcome: "unlinked" });
    const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, first.id));
    expect(row).toMatchObject({ status: "unlinked", processedAt: null });
    expect(row?.attempts).toBe((before?.attempts ?? 0) + 1);
  });

  it("are applied by reconcile once the customer carries metadata.workspaceId", async () => {
    const { workspaceId, customer, subscription, events } = await unlinkedSubscriber(
      "claimed-later@example.com",
    );
    for (const event of events) await hooks.deliver(event);
    await stripe.customers.update(customer.id, { metadata: { workspaceId } });

    const report = await reconcileBilling(db, stripe);
    expect(report.stillFailing).toBe(0);
    expect(report.replayed).toBeGreaterThanOrEqual(events.length);
    expect(await statuses(events)).toEqual(new Set(["processed"]));
    expect(await mirrored(subscription.id)).toMatchObject({ workspaceId, status: "active" });
    expect((await getEntitlements(db, workspaceId)).tier).toBe("pro");
  });

  it("are applied to the user's personal workspace once the customer carries a metadata.userId from before workspaces", async () => {
    const { userId, workspaceId, customer, subscription, events } = await unlinkedSubscriber(
      "claimed-before-workspaces@example.com",
    );
    for (const event of events) await hooks.deliver(event);
    await stripe.customers.update(customer.id, { metadata: { userId } });

    await reconcileBilling(db, stripe);
    expect(await statuses(events)).toEqual(new Set(["processed"]));
    expect(await mirrored(subscription.id)).toMatchObject({ workspaceId, status: "active" });
    expect((await getEntitlements(db, workspaceId)).tier).toBe("pro");
  });

  it("are applied by reconcile once the customer is linked in customers, without metadata.workspaceId", async () => {
    const { workspaceId, customer, subscription, events } =
      await unlinkedSubscriber("linked-here@example.com");
    for (const event of events) await hooks.deliver(event);
    await db.insert(customers).values({ workspaceId, stripeCustomerId: customer.id });

    await reconcileBilling(db, stripe);
    expect(await statuses(events)).toEqual(new Set(["processed"]));
    expect(await mirrored(subscription.id)).toMatchObject({ workspaceId, status: "active" });
  });

  it("are left waiting by reconcile while no link exists", async () => {
    const { events } = await unlinkedSubscriber("still-nobody@example.com");
    for (const event of events) await hooks.deliver(event);
    await reconcileBilling(db, stripe);
    expect(await statuses(events)).toEqual(new Set(["unlinked"]));
  });

  it("can be replayed by an admin once the link exists", async () => {
    const { workspaceId, customer, subscription, events } =
      await unlinkedSubscriber("replayed@example.com");
    const [event] = events;
    if (!event) throw new Error("no events");
    await hooks.deliver(event);
    expect(await replayWebhookEvent(db, stripe, event.id)).toEqual({
      ok: true,
      outcome: "unlinked",
    });
    await db.insert(customers).values({ workspaceId, stripeCustomerId: customer.id });
    expect(await replayWebhookEvent(db, stripe, event.id)).toEqual({
      ok: true,
      outcome: "processed",
    });
    expect(await mirrored(subscription.id)).toMatchObject({ workspaceId, status: "active" });
  });
});
