import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { subscriptions } from "@/db/schema";
import { getCustomerDetail } from "@/lib/admin/customers";
import {
  createTestUser,
  givePastSubscription,
  subscribe,
  useBillingTest,
} from "@/lib/testing/billing";
import { reconcileBilling } from "./reconcile";
import { applyStripeEventNow } from "./replay-event";
import { repairSubscription } from "./subscription-repair";

const t = useBillingTest();

const metered = (subscription: Stripe.Subscription) =>
  subscription.items.data.filter((item) => item.price.recurring?.usage_type === "metered");

/** Removes the metered item in Stripe, as the Dashboard could; the update event it caused. */
async function dropMeteredItem(subscription: Stripe.Subscription): Promise<Stripe.Event> {
  const current = await t.stripe.subscriptions.retrieve(subscription.id);
  const [item] = metered(current);
  if (!item) throw new Error("no metered item to drop");
  await t.stripe.subscriptions.update(subscription.id, {
    items: [{ id: item.id, deleted: true }],
    proration_behavior: "none",
  });
  const [event] = (await t.stripe.events.list({ type: "customer.subscription.updated", limit: 1 }))
    .data;
  if (!event) throw new Error("no update event");
  return event;
}

async function mirroredRow(subscription: Stripe.Subscription) {
  const [row] = await t.db
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.stripeSubscriptionId, subscription.id));
  return row;
}

describe("a monthly subscription without its metered item", () => {
  it("gets it back once from concurrent deliveries, and the admin's page says when", async () => {
    const user = await createTestUser(t, "dropped");
    await givePastSubscription(t, user);
    const subscription = await subscribe(t, user, "pro", "monthly");
    expect((await mirroredRow(subscription))?.meteredItemRestoredAt).toBeNull();
    const event = await dropMeteredItem(subscription);

    // The same event delivered twice at once, and a second event of it.
    const second = { ...event, id: `${event.id}_again` };
    await Promise.all([
      applyStripeEventNow({ db: t.db, stripe: t.stripe }, event),
      applyStripeEventNow({ db: t.db, stripe: t.stripe }, event),
      applyStripeEventNow({ db: t.db, stripe: t.stripe }, second),
    ]);

    const after = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(metered(after).map((item) => item.price.lookup_key)).toEqual(["pro_api_calls"]);
    const row = await mirroredRow(subscription);
    expect(row?.meteredPriceId).toBe(metered(after)[0]?.price.id);
    expect(row?.meteredItemRestoredAt).toBeInstanceOf(Date);
    const detail = await getCustomerDetail(t.db, { workspaceId: user.workspaceId });
    expect(detail?.subscription?.meteredItemRestoredAt).toEqual(row?.meteredItemRestoredAt);
  });

  it("gets one item back from repairs racing on the same state", async () => {
    const user = await createTestUser(t, "raced");
    await givePastSubscription(t, user);
    const subscription = await subscribe(t, user, "pro", "monthly");
    await dropMeteredItem(subscription);
    const seen = await t.stripe.subscriptions.retrieve(subscription.id);

    await Promise.all([1, 2, 3].map(() => repairSubscription(t.stripe, seen)));
    const after = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(metered(after)).toHaveLength(1);
  });

  it("gets it back again after a second removal, on the next reconcile", async () => {
    const user = await createTestUser(t, "dropped-twice");
    await givePastSubscription(t, user);
    const subscription = await subscribe(t, user, "enterprise", "monthly");
    await applyStripeEventNow({ db: t.db, stripe: t.stripe }, await dropMeteredItem(subscription));
    await dropMeteredItem(subscription);

    await reconcileBilling(t.db, t.stripe);
    const after = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(metered(after).map((item) => item.price.lookup_key)).toEqual(["enterprise_api_calls"]);
    expect((await mirroredRow(subscription))?.meteredPriceId).toBe(metered(after)[0]?.price.id);
  });

  it("is left alone on a yearly plan, which bills no usage", async () => {
    const user = await createTestUser(t, "yearly");
    await givePastSubscription(t, user);
    const subscription = await subscribe(t, user, "pro", "yearly");
    await reconcileBilling(t.db, t.stripe);
    const after = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(after.items.data.map((item) => item.price.lookup_key)).toEqual(["pro_yearly"]);
    expect((await mirroredRow(subscription))?.meteredItemRestoredAt).toBeNull();
  });
});
