import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { subscriptions, webhookEvents } from "@/db/schema";
import { createTestUser, useBillingTest } from "@/lib/testing/billing";
import { replayWebhookEvent } from "./replay-event";

const billing = useBillingTest();

describe("replayWebhookEvent", () => {
  let event: Stripe.Event;
  let stripeSubscriptionId: string;

  beforeAll(async () => {
    await billing.db.delete(webhookEvents);
    const user = await createTestUser(billing, "replayed");
    const stripe = billing.stripe;
    const customer = await stripe.customers.create({
      email: user.email,
      metadata: { workspaceId: user.workspaceId },
    });
    const method = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const [price] = (await stripe.prices.list({ lookup_keys: ["pro_monthly"] })).data;
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price?.id ?? "" }],
      default_payment_method: method.id,
    });
    stripeSubscriptionId = subscription.id;
    const [created] = (
      await stripe.events.list({ type: "customer.subscription.created", limit: 1 })
    ).data;
    if (!created) throw new Error("the emulator made no customer.subscription.created event");
    event = created;
    // The delivery failed earlier: the event is on the ledger, its effect is not.
    await billing.db.insert(webhookEvents).values({
      id: event.id,
      type: event.type,
      created: new Date(event.created * 1000),
      status: "failed",
      attempts: 2,
      lastError: "connection reset",
      payload: event,
    });
  }, 60_000);

  async function ledgerRow() {
    const [row] = await billing.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.id, event.id));
    return row;
  }

  it("answers with the pipeline's reason when the replay fails again, and records it", async () => {
    await billing.db.execute(
      sql`create or replace function tollgate_test_refuse() returns trigger as $$ begin raise exception 'disk on fire'; end $$ language plpgsql`,
    );
    await billing.db.execute(
      sql`create trigger tollgate_test_refuse before insert on subscriptions for each row execute function tollgate_test_refuse()`,
    );
    try {
      expect(await replayWebhookEvent(billing.db, billing.stripe, event.id)).toEqual({
        ok: false,
        message: "disk on fire",
      });
    } finally {
      await billing.db.execute(sql`drop trigger tollgate_test_refuse on subscriptions`);
    }
    expect(await ledgerRow()).toMatchObject({
      status: "failed",
      attempts: 3,
      lastError: "disk on fire",
    });
    expect(await billing.db.select().from(subscriptions)).toEqual([]);
  });

  it("applies a failed event from its stored payload and marks it processed", async () => {
    expect(await replayWebhookEvent(billing.db, billing.stripe, event.id)).toEqual({
      ok: true,
      outcome: "processed",
    });
    expect(await ledgerRow()).toMatchObject({ status: "processed", attempts: 4, lastError: null });
    const rows = await billing.db.select().from(subscriptions);
    expect(rows.map((row) => [row.stripeSubscriptionId, row.planTier, row.status])).toEqual([
      [stripeSubscriptionId, "pro", "active"],
    ]);
  });

  it("is a duplicate without effect once the event is processed", async () => {
    expect(await replayWebhookEvent(billing.db, billing.stripe, event.id)).toEqual({
      ok: true,
      outcome: "duplicate",
    });
    expect(await ledgerRow()).toMatchObject({ status: "processed", attempts: 4 });
  });

  it("refuses an id that is not on the ledger, or not an event id at all", async () => {
    expect(await replayWebhookEvent(billing.db, billing.stripe, "evt_missing")).toEqual({
      ok: false,
      message: "There is no event evt_missing in the ledger.",
    });
    expect(await replayWebhookEvent(billing.db, billing.stripe, "evt_1; select 1")).toEqual({
      ok: false,
      message: "That is not a webhook event id.",
    });
  });
});
