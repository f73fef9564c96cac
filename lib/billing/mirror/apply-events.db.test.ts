// The webhook secret of this file's tests; set before anything reads the configuration.
process.env.STRIPE_WEBHOOK_SECRET = "whsec_tollgate_apply_events_tests";

import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/stripe/webhook/route";
import { subscriptions, webhookEvents } from "@/db/schema";
import { WEBHOOK_REPLAY_QUEUE } from "@/lib/jobs/queues";
import { getJobs } from "@/lib/jobs/send";
import { useBillingTest } from "@/lib/testing/billing";
import {
  eventsAbout,
  putInLedger,
  subscriberWithoutWebhooks,
  webhookDelivery,
} from "@/lib/testing/webhooks";
import { lookupKeysOfPrices } from "../catalog/price-lookup-keys";
import { isHandledWebhookEvent } from "./webhook-events";

const SECRET = "whsec_tollgate_apply_events_tests";
const t = useBillingTest();
const hooks = webhookDelivery(POST, t, SECRET);

/** The emulator's count of API requests, reads (GET) and all. */
async function stripeRequests(): Promise<{ reads: number; writes: number }> {
  const { body } = await t.emulator.control("GET", "/requests");
  const report = body as { reads: number; writes: number };
  return { reads: report.reads, writes: report.writes };
}

async function statusesOf(ids: string[]): Promise<string[]> {
  const rows = await t.db
    .select({ status: webhookEvents.status })
    .from(webhookEvents)
    .where(inArray(webhookEvents.id, ids));
  return rows.map((row) => row.status);
}

describe("a customer's events job", () => {
  it("applies a burst of one customer's events with one fetch from Stripe", async () => {
    const { customerId, subscription } = await subscriberWithoutWebhooks(
      t.db,
      t.stripe,
      "burst@example.com",
    );
    const events = (await eventsAbout(t.stripe, customerId)).filter((event) =>
      isHandledWebhookEvent(event.type),
    );
    expect(events.length).toBeGreaterThanOrEqual(5);
    // Every delivery is acknowledged; none is applied yet.
    for (const event of events) {
      const response = await POST(hooks.request(JSON.stringify(event)));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ outcome: "pending", duplicate: false });
    }
    expect(new Set(await statusesOf(events.map((event) => event.id)))).toEqual(
      new Set(["received"]),
    );

    // A process reads the catalog's prices once, for the plans invoices charged; not per fetch.
    await lookupKeysOfPrices(
      t.stripe,
      subscription.items.data.map((item) => item.price.id),
    );
    await t.emulator.control("POST", "/requests/clear");
    // One job was queued for the customer, however many events asked for it.
    expect(await t.runJobs()).toEqual({ completed: 1, failed: 0 });
    const requests = await stripeRequests();
    // The subscriptions (with the customer) and the invoices: two reads, no writes.
    expect(requests).toEqual({ reads: 2, writes: 0 });
    expect(requests.reads / events.length).toBeLessThanOrEqual(0.5);
    expect(new Set(await statusesOf(events.map((event) => event.id)))).toEqual(
      new Set(["processed"]),
    );
    const [row] = await t.db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, subscription.id));
    expect(row).toMatchObject({ status: "active", planTier: "pro" });
  });

  it("applies an event whose job was lost once the replay job finds it waiting", async () => {
    const { customerId, subscription } = await subscriberWithoutWebhooks(
      t.db,
      t.stripe,
      "lost-job@example.com",
    );
    const [event] = (await eventsAbout(t.stripe, customerId)).filter(
      (candidate) => candidate.type === "customer.subscription.created",
    );
    if (!event) throw new Error("no event");
    // On the ledger, but the instance stopped before asking for the job, minutes ago.
    await putInLedger(t.db, event, { status: "received", attempts: 0, lastError: null });
    await t.db
      .update(webhookEvents)
      .set({ receivedAt: sql`now() - interval '5 minutes'` })
      .where(eq(webhookEvents.id, event.id));
    expect(await t.runJobs()).toEqual({ completed: 0, failed: 0 });

    await (await getJobs()).send(WEBHOOK_REPLAY_QUEUE, {});
    // The replay job, then the customer's events job it asked for.
    expect(await t.runJobs()).toEqual({ completed: 2, failed: 0 });
    expect(await statusesOf([event.id])).toEqual(["processed"]);
    const [row] = await t.db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, subscription.id));
    expect(row?.status).toBe("active");
  });

  it("leaves alone an event failed too often, and an event received moments ago", async () => {
    const { customerId } = await subscriberWithoutWebhooks(t.db, t.stripe, "spent@example.com");
    const [spent, fresh] = (await eventsAbout(t.stripe, customerId)).filter((candidate) =>
      isHandledWebhookEvent(candidate.type),
    );
    if (!spent || !fresh) throw new Error("no events");
    await putInLedger(t.db, spent, { status: "failed", attempts: 10, lastError: "gone" });
    await putInLedger(t.db, fresh, { status: "received", attempts: 0, lastError: null });
    await (await getJobs()).send(WEBHOOK_REPLAY_QUEUE, {});
    expect(await t.runJobs()).toEqual({ completed: 1, failed: 0 });
    expect((await statusesOf([spent.id, fresh.id])).sort()).toEqual(["failed", "received"]);
  });
});
