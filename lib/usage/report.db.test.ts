// Reports usage to the Stripe emulator and, in the last test, moves its wall clock past a
// renewal: this file has an emulator of its own.
import { eq, sum } from "drizzle-orm";
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";

import { subscriptions, usageRecords } from "@/db/schema";
import { API_CALLS_METER, lookupKeyFor, meteredLookupKeyFor } from "@/lib/billing/catalog/plans";
import { createTestUser, subscribe, type TestUser, useBillingTest } from "@/lib/testing/billing";
import { recordUsage } from "./record";
import { backoffMs, classify, flushUsage, type MeterEventSender } from "./report";

const t = useBillingTest();
let meterId: string;
beforeAll(async () => {
  const meters = await t.stripe.billing.meters.list();
  const meter = meters.data.find((candidate) => candidate.event_name === API_CALLS_METER.eventName);
  if (!meter) throw new Error("the catalog push made no meter");
  meterId = meter.id;
});

const MINUTE = 60_000;

/** What Stripe's meter summed for the customer over the last day and the next hour. */
async function meterSum(customer: string): Promise<number> {
  const now = Math.floor(Date.now() / 1000 / 60) * 60;
  const summaries = await t.stripe.billing.meters.listEventSummaries(meterId, {
    customer,
    start_time: now - 86_400,
    end_time: now + 3_600,
  });
  return summaries.data.reduce((total, summary) => total + summary.aggregated_value, 0);
}

async function ledgerSum(customer: string): Promise<number> {
  const [row] = await t.db
    .select({ total: sum(usageRecords.quantity).mapWith(Number) })
    .from(usageRecords)
    .where(eq(usageRecords.stripeCustomerId, customer));
  return row?.total ?? 0;
}

async function subscribedUser(name: string): Promise<{ user: TestUser; customer: string }> {
  const user = await createTestUser(t, name);
  const subscription = await subscribe(t, user, "pro", "monthly");
  return { user, customer: String(subscription.customer) };
}

async function recordCalls(user: TestUser, quantities: number[]): Promise<void> {
  for (const quantity of quantities) {
    await recordUsage(t.db, { workspaceId: user.workspaceId, metric: "api_calls", quantity });
  }
}

/** The emulator's meter events, keeping the identifier of every event sent in `sent`. */
function countingSender(): { sender: MeterEventSender; sent: string[] } {
  const sent: string[] = [];
  const sender: MeterEventSender = {
    billing: {
      meterEvents: {
        create: async (params) => {
          sent.push(String(params.identifier));
          return t.stripe.billing.meterEvents.create(params);
        },
      },
    },
  };
  return { sender, sent };
}

/** Flushes until nothing is due at `now`, so the next test starts with an empty outbox. */
async function drain(now: Date = new Date()): Promise<void> {
  for (;;) {
    const result = await flushUsage(t.db, t.stripe, { now });
    if (result.remaining === 0 && result.failed === 0) return;
    if (result.failed > 0) throw new Error(`draining failed: ${JSON.stringify(result)}`);
  }
}

describe("flushUsage", () => {
  it("reports a Pro user's API calls once: Stripe's sum equals the ledger's, a second flush sends nothing", async () => {
    const { user, customer } = await subscribedUser("metered");
    const free = await createTestUser(t, "free");
    await recordCalls(user, [1, 2, 3, 4, 5]);
    await recordUsage(t.db, {
      workspaceId: user.workspaceId,
      metric: "videos_processed",
      quantity: 2,
    });
    await recordUsage(t.db, { workspaceId: free.workspaceId, metric: "api_calls", quantity: 9 });

    const first = await flushUsage(t.db, t.stripe, { batchSize: 2 });
    expect(first).toEqual({ sent: 5, failed: 0, abandoned: 0, remaining: 0 });
    expect(await meterSum(customer)).toBe(15);
    expect(await ledgerSum(customer)).toBe(15);

    const second = await flushUsage(t.db, t.stripe);
    expect(second).toEqual({ sent: 0, failed: 0, abandoned: 0, remaining: 0 });
    expect(await meterSum(customer)).toBe(15);
    const rows = await t.db
      .select()
      .from(usageRecords)
      .where(eq(usageRecords.workspaceId, user.workspaceId));
    expect(
      rows.map((row) => [
        row.metric,
        row.reportStatus,
        row.reportAttempts,
        row.reportedAt !== null,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ["api_calls", "sent", 1, true],
        ["videos_processed", "skip", 0, false],
      ]),
    );
  });

  it("sends each row once when several flushers run at the same time", async () => {
    const { user, customer } = await subscribedUser("parallel");
    await recordCalls(
      user,
      Array.from({ length: 30 }, (_, n) => n + 1),
    );
    const { sender: counting, sent } = countingSender();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => flushUsage(t.db, counting, { batchSize: 4 })),
    );
    expect(results.reduce((total, result) => total + result.sent, 0)).toBe(30);
    expect(sent).toHaveLength(30);
    expect(new Set(sent).size).toBe(30);
    expect(await meterSum(customer)).toBe(465);
  });

  it("still reports every unit exactly once after a flush dies between sending and marking", async () => {
    const { user, customer } = await subscribedUser("crashed");
    await recordCalls(user, [10, 20, 30, 40, 50, 60]);

    // A flusher whose process dies while the 4th event's answer is on its way: Stripe counted
    // it (and the three before), nothing was marked sent, and no later event leaves.
    let sends = 0;
    // The rows leave in the claim's order, not the order they were recorded in.
    let countedByStripe = 0;
    let reachedFourth: () => void = () => undefined;
    const fourthSent = new Promise<void>((resolve) => {
      reachedFourth = resolve;
    });
    const dying: MeterEventSender = {
      billing: {
        meterEvents: {
          create: async (params) => {
            sends += 1;
            if (sends > 4) return new Promise<never>(() => undefined);
            await t.stripe.billing.meterEvents.create(params);
            countedByStripe += Number(params.payload.value);
            if (sends < 4) return {};
            reachedFourth();
            return new Promise<never>(() => undefined);
          },
        },
      },
    };
    const started = new Date();
    void flushUsage(t.db, dying, { now: started, concurrency: 1 });
    await fourthSent;
    expect(await meterSum(customer)).toBe(countedByStripe);
    expect(countedByStripe).toBeGreaterThanOrEqual(10 + 20 + 30 + 40);

    // While the dead flusher's lease lasts, nobody sends its rows again.
    const during = await flushUsage(t.db, t.stripe, { now: new Date(started.getTime() + MINUTE) });
    expect(during).toEqual({ sent: 0, failed: 0, abandoned: 0, remaining: 0 });

    // Once it has run out, the rows are sent again; Stripe drops the identifiers it has.
    const after = await flushUsage(t.db, t.stripe, {
      now: new Date(started.getTime() + 6 * MINUTE),
    });
    expect(after).toEqual({ sent: 6, failed: 0, abandoned: 0, remaining: 0 });
    expect(await meterSum(customer)).toBe(210);
    expect(await ledgerSum(customer)).toBe(210);
    const attempts = await t.db
      .select({ attempts: usageRecords.reportAttempts })
      .from(usageRecords)
      .where(eq(usageRecords.stripeCustomerId, customer));
    expect(attempts.map((row) => row.attempts)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it.each([429, 500])("backs off after a %i from Stripe and succeeds later", async (status) => {
    const { user, customer } = await subscribedUser(`fault-${status}`);
    await recordCalls(user, [7, 8, 9]);
    const now = new Date();
    await t.emulator.control("POST", "/faults", { status, count: 1 });

    const first = await flushUsage(t.db, t.stripe, { now, concurrency: 1 });
    expect(first).toEqual({ sent: 2, failed: 1, abandoned: 0, remaining: 0 });
    const [failed] = await t.db
      .select()
      .from(usageRecords)
      .where(eq(usageRecords.reportStatus, "pending"));
    expect(failed).toMatchObject({
      reportAttempts: 1,
      nextReportAt: new Date(now.getTime() + 2 * MINUTE),
      lastReportError: expect.stringContaining(String(status)),
    });

    // Not before the backoff has passed.
    const early = await flushUsage(t.db, t.stripe, { now: new Date(now.getTime() + MINUTE) });
    expect(early.sent).toBe(0);
    const later = await flushUsage(t.db, t.stripe, { now: new Date(now.getTime() + 2 * MINUTE) });
    expect(later).toEqual({ sent: 1, failed: 0, abandoned: 0, remaining: 0 });
    expect(await meterSum(customer)).toBe(24);
    expect(await ledgerSum(customer)).toBe(24);
  });

  it("stops a flush at the first round Stripe is limiting, leaving the rest due", async () => {
    const { user, customer } = await subscribedUser("limited");
    await recordCalls(user, [1, 1, 1, 1, 1, 1]);
    const now = new Date();
    await t.emulator.control("POST", "/faults", { status: 429, count: 2 });
    const first = await flushUsage(t.db, t.stripe, { now, batchSize: 2, concurrency: 1 });
    expect(first).toEqual({ sent: 0, failed: 2, abandoned: 0, remaining: 4 });
    await drain(new Date(now.getTime() + 2 * MINUTE));
    expect(await meterSum(customer)).toBe(6);
  });

  it("marks a meter event Stripe keeps refusing failed on attempt 8, with Stripe's reason, and sends it no more", async () => {
    const { user, customer } = await subscribedUser("refused");
    await recordCalls(user, [5]);
    // The customer is gone from Stripe: every meter event for it is refused with a 404.
    await t.stripe.customers.del(customer);
    const { sender: counting, sent: sends } = countingSender();
    const start = new Date();
    const row = async () => {
      const [found] = await t.db
        .select()
        .from(usageRecords)
        .where(eq(usageRecords.stripeCustomerId, customer));
      return found;
    };

    // METER_EVENT_MAX_ATTEMPTS is 8 by default: seven refusals keep the row, an hour apart.
    for (let attempt = 1; attempt <= 7; attempt += 1) {
      const now = new Date(start.getTime() + (attempt - 1) * 60 * MINUTE);
      expect(await flushUsage(t.db, counting, { now })).toEqual({
        sent: 0,
        failed: 1,
        abandoned: 0,
        remaining: 0,
      });
      expect(await row()).toMatchObject({
        reportStatus: "pending",
        reportAttempts: attempt,
        nextReportAt: new Date(now.getTime() + 60 * MINUTE),
      });
    }
    const eighth = new Date(start.getTime() + 7 * 60 * MINUTE);
    expect(await flushUsage(t.db, counting, { now: eighth })).toEqual({
      sent: 0,
      failed: 1,
      abandoned: 1,
      remaining: 0,
    });
    expect(await row()).toMatchObject({
      reportStatus: "failed",
      reportAttempts: 8,
      nextReportAt: null,
      lastReportError: `404: No such customer: '${customer}'`,
    });
    expect(sends).toHaveLength(8);

    await flushUsage(t.db, counting, { now: new Date(eighth.getTime() + 24 * 60 * MINUTE) });
    expect(sends).toHaveLength(8);
  });

  it("marks a row dated past Stripe's 35-day window failed without calling Stripe, keeping its last error", async () => {
    const { user, customer } = await subscribedUser("expired");
    const now = new Date();
    const [old] = await t.db
      .insert(usageRecords)
      .values({
        workspaceId: user.workspaceId,
        metric: "api_calls",
        quantity: 4,
        occurredAt: new Date(now.getTime() - (35 * 24 * 60 + 1) * MINUTE),
        reportStatus: "pending",
        stripeCustomerId: customer,
        nextReportAt: now,
        reportAttempts: 30,
        lastReportError: "503: Unavailable",
      })
      .returning();
    const { sender: counting, sent } = countingSender();
    expect(await flushUsage(t.db, counting, { now })).toEqual({
      sent: 0,
      failed: 1,
      abandoned: 1,
      remaining: 0,
    });
    expect(sent).toEqual([]);
    const [row] = await t.db
      .select()
      .from(usageRecords)
      .where(eq(usageRecords.id, old?.id ?? ""));
    expect(row).toMatchObject({
      reportStatus: "failed",
      lastReportError:
        "not sent: older than the 35 days Stripe takes meter events for; last error: 503: Unavailable",
    });
  });

  it("bills the reported usage on the renewal invoice of a subscription with the metered price", async () => {
    const user = await createTestUser(t, "invoiced");
    const customer = await t.stripe.customers.create({
      email: user.email,
      metadata: { workspaceId: user.workspaceId },
    });
    const card = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await t.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: card.id },
    });
    const prices = await t.stripe.prices.list({
      lookup_keys: [lookupKeyFor("pro", "monthly"), meteredLookupKeyFor("pro")],
    });
    const plan = prices.data.find((price) => price.lookup_key === "pro_monthly");
    const metered = prices.data.find((price) => price.lookup_key === "pro_api_calls");
    if (!plan || !metered) throw new Error("the catalog sync made no Pro prices");
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: plan.id }, { price: metered.id }],
    });
    expect(subscription.status).toBe("active");
    await t.db.insert(subscriptions).values({
      workspaceId: user.workspaceId,
      stripeSubscriptionId: subscription.id,
      stripeCustomerId: customer.id,
      planTier: "pro",
      billingPeriod: "monthly",
      status: "active",
      meteredPriceId: metered.id,
    });

    await recordCalls(user, [1_000, 234]);
    await drain();
    expect(await meterSum(customer.id)).toBe(1_234);

    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    const clock = await t.emulator.control<{ now: number }>("GET", "/clock");
    await t.emulator.control("POST", "/clock/advance", {
      seconds: periodEnd - clock.body.now + 60,
    });
    const invoices = await t.stripe.invoices.list({ subscription: subscription.id });
    const renewal = invoices.data.find(
      (invoice) => invoice.billing_reason === "subscription_cycle",
    );
    const usageLine = renewal?.lines.data.find(
      (line) => line.pricing?.price_details?.price === metered.id,
    );
    // Pro's API calls cost 0.1 cents each: 1,234 calls are 123 cents.
    expect(usageLine).toMatchObject({ quantity: 1_234, amount: 123 });
    expect(renewal).toMatchObject({ status: "paid", amount_paid: 29_00 + 123 });
  });
});

describe("classify", () => {
  const stripeError = (statusCode: number, message: string, code?: string) =>
    Stripe.errors.StripeError.generate({
      type: "invalid_request_error",
      message,
      code,
      statusCode,
    });

  it("counts Stripe's refusal of an identifier it already has as sent", () => {
    expect(classify(stripeError(400, "An event with identifier 0a1b already exists."))).toEqual({
      kind: "sent",
    });
    expect(classify(stripeError(400, "Duplicate.", "resource_already_exists"))).toEqual({
      kind: "sent",
    });
  });

  it("retries rate limits, conflicts, Stripe's errors, our refused credentials and lost connections", () => {
    expect(classify(stripeError(429, "Too many requests")).kind).toBe("retry");
    expect(classify(stripeError(409, "Conflict")).kind).toBe("retry");
    expect(classify(stripeError(503, "Unavailable")).kind).toBe("retry");
    expect(classify(stripeError(401, "Invalid API Key provided")).kind).toBe("retry");
    expect(
      classify(stripeError(403, "The key lacks the billing.meter_events permission")).kind,
    ).toBe("retry");
    expect(classify(new TypeError("fetch failed")).kind).toBe("retry");
  });

  it("takes Stripe's other refusals as refusals of the event, keeping Stripe's reason", () => {
    expect(classify(stripeError(400, "Timestamp must be within the past 35 days."))).toEqual({
      kind: "refused",
      error: "400: Timestamp must be within the past 35 days.",
    });
    expect(classify(stripeError(404, "No such customer: 'cus_gone'")).kind).toBe("refused");
  });

  it("waits 2^attempts minutes between attempts, at most an hour", () => {
    expect([1, 2, 5, 6, 7, 50].map((attempts) => backoffMs(attempts) / MINUTE)).toEqual([
      2, 4, 32, 60, 60, 60,
    ]);
  });
});
