// The webhook secret of this file's tests; set before anything reads the configuration.
process.env.STRIPE_WEBHOOK_SECRET = "whsec_tollgate_webhook_route_tests";

import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import type Stripe from "stripe";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { selectRows } from "@/db";
import { subscriptions as subscriptionsTable, users, webhookEvents } from "@/db/schema";
import { getEntitlements } from "@/lib/billing/entitlements";
import { applyCustomerSnapshot } from "@/lib/billing/mirror/apply-snapshot";
import { type CustomerSnapshot, fetchCustomerSnapshot } from "@/lib/billing/mirror/snapshot";
import { type BillingTest, useBillingTest } from "@/lib/testing/billing";
import { eventsAbout, webhookDelivery } from "@/lib/testing/webhooks";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import type { TestEmulator } from "@/stripe-emulator/testing";
import { POST } from "./route";

const SECRET = "whsec_tollgate_webhook_route_tests";
const FRONTEND = "http://localhost:3000";
const billing = useBillingTest();
let db: BillingTest["db"];
let t: TestEmulator;
let workspaceId: string;
let customerId: string;
/** Every event the emulator made for this file's customer, oldest first. */
let lifecycle: Stripe.Event[] = [];
/** The customer as Stripe showed it at each step of its life, oldest first. */
const snapshots: CustomerSnapshot[] = [];

const hooks = webhookDelivery(POST, billing, SECRET);

function signedRequest(payload: string, header?: string | null): Request {
  return hooks.request(payload, header);
}

function deliver(event: Stripe.Event): Promise<{ status: number; outcome?: string }> {
  return hooks.deliver(event);
}

function eventsOf(customer: string): Promise<Stripe.Event[]> {
  return eventsAbout(t.stripe, customer);
}

async function ledgerCount(): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(webhookEvents);
  return row?.n ?? 0;
}

/** The mirrored rows, without what differs between fetches (ids, versions, write times). */
async function mirror(): Promise<unknown> {
  const subscriptionRows = await selectRows(
    db,
    sql`select stripe_subscription_id, plan_tier, billing_period, status, trial_end, current_period_start, current_period_end, cancel_at_period_end, canceled_at, ended_at, payment_failed_at from subscriptions order by stripe_subscription_id`,
  );
  const invoiceRows = await selectRows(
    db,
    sql`select stripe_invoice_id, status, number, amount_due, amount_paid, total, attempt_count, paid_at from invoices order by stripe_invoice_id`,
  );
  return { subscriptionRows, invoiceRows };
}

async function resetMirror(): Promise<void> {
  await db.execute(sql`delete from subscriptions`);
  await db.execute(sql`delete from invoices`);
  await db.execute(sql`delete from webhook_events`);
}

beforeAll(async () => {
  db = billing.db;
  t = billing.emulator;
  const [user] = await db
    .insert(users)
    .values({ email: "hook@example.com", name: "Hook" })
    .returning({ id: users.id });
  if (!user) throw new Error("no user");
  workspaceId = (await ensurePersonalWorkspace(db, user.id)).id;

  // A life: checkout with a trial, the trial ends, a renewal, an upgrade, cancel at period end.
  const customer = await t.stripe.customers.create({
    email: "hook@example.com",
    metadata: { workspaceId },
  });
  customerId = customer.id;
  const [pro] = (await t.stripe.prices.list({ lookup_keys: ["pro_monthly"] })).data;
  const [enterprise] = (await t.stripe.prices.list({ lookup_keys: ["enterprise_monthly"] })).data;
  if (!pro || !enterprise) throw new Error("catalog not synced");
  const session = await t.stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    client_reference_id: workspaceId,
    line_items: [{ price: pro.id, quantity: 1 }],
    subscription_data: { trial_period_days: 14 },
    success_url: `${FRONTEND}/account/billing?session_id={CHECKOUT_SESSION_ID}`,
  });
  await t.control("POST", `/checkout/${session.id}/pay`, { card: "4242424242424242" });
  const snap = async () => snapshots.push(await fetchCustomerSnapshot(db, t.stripe, customer.id));
  await snap();
  await t.control("POST", "/clock/advance", { seconds: 15 * 86_400 });
  await snap();
  const [subscription] = (await t.stripe.subscriptions.list({ customer: customer.id })).data;
  const item = subscription?.items.data[0];
  if (!subscription || !item) throw new Error("no subscription");
  await t.stripe.subscriptions.update(subscription.id, {
    items: [{ id: item.id, price: enterprise.id }],
    proration_behavior: "always_invoice",
  });
  await snap();
  await t.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
  await snap();
  lifecycle = await eventsOf(customer.id);
}, 60_000);

describe("POST /api/stripe/webhook", () => {
  beforeEach(resetMirror);

  it("mirrors the life of a subscription: checkout, trial end, upgrade, cancel at period end", async () => {
    const checkoutEnd = lifecycle.findIndex((event) => event.type === "checkout.session.completed");
    for (const event of lifecycle.slice(0, checkoutEnd + 1)) {
      expect((await deliver(event)).status).toBe(200);
    }
    // The mirror shows Stripe's state at delivery, which is already the end of the story: each
    // event re-reads the customer. That is what makes the order of deliveries irrelevant.
    const [row] = await db
      .select()
      .from(subscriptionsTable)
      .where(eq(subscriptionsTable.workspaceId, workspaceId));
    expect(row).toMatchObject({
      planTier: "enterprise",
      billingPeriod: "monthly",
      status: "active",
      cancelAtPeriodEnd: true,
    });
    const entitlements = await getEntitlements(db, workspaceId);
    expect(entitlements.tier).toBe("enterprise");
    expect(entitlements.warnings.map((warning) => warning.kind)).toEqual(["cancels"]);
    for (const event of lifecycle.slice(checkoutEnd + 1)) await deliver(event);
    expect(await ledgerCount()).toBe(lifecycle.length);
    const invoiceRows = await selectRows(
      db,
      sql`select billing_reason, amount_paid from invoices order by created, number`,
    );
    expect(invoiceRows.map((invoice) => invoice.billing_reason)).toEqual([
      "subscription_create",
      "subscription_cycle",
      "subscription_update",
    ]);
  });

  it("answers a duplicate with 200 and no second effect", async () => {
    const event = lifecycle.find((candidate) => candidate.type === "customer.subscription.created");
    if (!event) throw new Error("no event");
    expect(await deliver(event)).toEqual({ status: 200, outcome: "processed" });
    const before = await mirror();
    expect(await deliver(event)).toEqual({ status: 200, outcome: "duplicate" });
    expect(await mirror()).toEqual(before);
    const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
    expect(row).toMatchObject({ status: "processed", attempts: 1 });
  });

  it("records an event type it does not handle as ignored", async () => {
    const event = lifecycle.find((candidate) => candidate.type === "payment_method.attached");
    if (!event) throw new Error("no event");
    expect(await deliver(event)).toEqual({ status: 200, outcome: "ignored" });
    expect(await deliver(event)).toEqual({ status: 200, outcome: "duplicate" });
    const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
    expect(row?.status).toBe("ignored");
  });

  it("applies the same event delivered ten times at once exactly once", async () => {
    const event = lifecycle.find((candidate) => candidate.type === "checkout.session.completed");
    if (!event) throw new Error("no event");
    const answers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const response = await POST(signedRequest(JSON.stringify(event)));
        return { status: response.status, ...((await response.json()) as { duplicate: boolean }) };
      }),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(answers.filter((answer) => !answer.duplicate)).toHaveLength(1);
    expect(await ledgerCount()).toBe(1);
    // One job for the customer however many deliveries asked for it; it applies the event once.
    expect(await billing.runJobs()).toEqual({ completed: 1, failed: 0 });
    const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
    expect(row).toMatchObject({ status: "processed", attempts: 1 });
    const rows = await db
      .select()
      .from(subscriptionsTable)
      .where(eq(subscriptionsTable.workspaceId, workspaceId));
    expect(rows).toHaveLength(1);
  });

  it("keeps an event whose application fails on the ledger, writes nothing of it, and applies it once later", async () => {
    const event = lifecycle.find((candidate) => candidate.type === "invoice.paid");
    if (!event) throw new Error("no event");
    // A real failure in the middle of the writes: invoices refuse inserts for a moment.
    await db.execute(
      sql`create or replace function tollgate_test_refuse() returns trigger as $$ begin raise exception 'disk on fire'; end $$ language plpgsql`,
    );
    await db.execute(
      sql`create trigger tollgate_test_refuse before insert on invoices for each row execute function tollgate_test_refuse()`,
    );
    try {
      // Acknowledged at once: the failure is the job's, which is retried until its limit.
      expect(await deliver(event)).toEqual({ status: 200, outcome: "failed" });
    } finally {
      await db.execute(sql`drop trigger tollgate_test_refuse on invoices`);
    }
    const [failed] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
    expect(failed?.status).toBe("failed");
    expect(failed?.attempts).toBeGreaterThan(1);
    expect(failed?.lastError).toContain("disk on fire");
    expect(await db.select().from(subscriptionsTable)).toEqual([]);

    // Stripe's redelivery asks for the job again; it applies the event once.
    expect(await deliver(event)).toEqual({ status: 200, outcome: "processed" });
    const [done] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
    expect(done).toMatchObject({ status: "processed", lastError: null });
    expect(done?.attempts).toBe((failed?.attempts ?? 0) + 1);
    expect(await db.select().from(subscriptionsTable)).toHaveLength(1);
    expect(await deliver(event)).toEqual({ status: 200, outcome: "duplicate" });
  });

  it("refuses a bad, tampered, stale, missing or re-serialised signature and writes nothing", async () => {
    const event = lifecycle[0];
    if (!event) throw new Error("no event");
    const payload = JSON.stringify(event);
    const cases: Request[] = [
      signedRequest(
        payload,
        t.stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_wrong" }),
      ),
      // Signed, then changed.
      signedRequest(
        payload.replace(customerId, "cus_someoneelse"),
        t.stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
      ),
      signedRequest(
        payload,
        t.stripe.webhooks.generateTestHeaderString({
          payload,
          secret: SECRET,
          timestamp: Math.floor(Date.now() / 1000) - 301,
        }),
      ),
      signedRequest(payload, null),
      signedRequest(
        JSON.stringify(event, null, 2),
        t.stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
      ),
    ];
    for (const request of cases) {
      const response = await POST(request);
      expect(response.status).toBe(400);
    }
    expect(await ledgerCount()).toBe(0);
  });

  it("refuses a body over 1 MB with 413", async () => {
    const payload = JSON.stringify({ padding: "x".repeat(1024 * 1024) });
    expect((await POST(signedRequest(payload))).status).toBe(413);
    expect(await ledgerCount()).toBe(0);
  });

  it("ends in the same rows for any order and any duplication of the events", async () => {
    for (const event of lifecycle) await deliver(event);
    const inOrder = await mirror();
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(lifecycle, {
          minLength: lifecycle.length,
          maxLength: lifecycle.length,
        }),
        fc.array(fc.nat({ max: lifecycle.length - 1 }), { maxLength: 6 }),
        async (shuffled, duplicates) => {
          await resetMirror();
          const sequence = [...shuffled];
          for (const index of duplicates) {
            const copy = lifecycle[index];
            if (copy) sequence.splice(index % (sequence.length + 1), 0, copy);
          }
          for (const event of sequence) expect((await deliver(event)).status).toBe(200);
          expect(await mirror()).toEqual(inOrder);
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});

describe("applyCustomerSnapshot", () => {
  beforeEach(resetMirror);

  it("ignores a snapshot fetched before the one already written", async () => {
    const latest = await fetchCustomerSnapshot(db, t.stripe, customerId);
    const older = structuredClone(latest);
    older.version = latest.version - 1;
    for (const subscription of older.subscriptions) subscription.status = "trialing";
    const newer = structuredClone(latest);
    newer.version = latest.version + 1;
    for (const subscription of newer.subscriptions) subscription.status = "past_due";

    await applyCustomerSnapshot(db, latest);
    await applyCustomerSnapshot(db, older);
    const status = async () =>
      (await db.select({ status: subscriptionsTable.status }).from(subscriptionsTable))[0]?.status;
    expect(await status()).toBe("active");
    await applyCustomerSnapshot(db, newer);
    expect(await status()).toBe("past_due");
  });
});

describe("time, through webhooks", () => {
  beforeEach(resetMirror);

  /** A new user's personal workspace. */
  async function newWorkspace(email: string): Promise<string> {
    const [user] = await db.insert(users).values({ email }).returning({ id: users.id });
    if (!user) throw new Error("no user");
    return (await ensurePersonalWorkspace(db, user.id)).id;
  }

  async function deliverAllFor(customer: string): Promise<void> {
    for (const event of await eventsOf(customer)) expect((await deliver(event)).status).toBe(200);
  }

  it("keeps the plan through the grace period of a failed renewal, then falls back to Free", async () => {
    const owner = await newWorkspace("late@example.com");
    const customer = await t.stripe.customers.create({
      email: "late@example.com",
      metadata: { workspaceId: owner },
    });
    const card = await t.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", {
      customer: customer.id,
    });
    const [pro] = (await t.stripe.prices.list({ lookup_keys: ["pro_monthly"] })).data;
    await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: pro?.id ?? "" }],
      default_payment_method: card.id,
      trial_period_days: 7,
    });
    await t.control("POST", "/clock/advance", { seconds: 8 * 86_400 });
    await deliverAllFor(customer.id);

    const [row] = await db
      .select()
      .from(subscriptionsTable)
      .where(eq(subscriptionsTable.workspaceId, owner));
    expect(row?.status).toBe("past_due");
    const failedAt = row?.paymentFailedAt;
    if (!failedAt) throw new Error("no failure time mirrored");
    const day = 86_400_000;
    const inside = await getEntitlements(db, owner, new Date(failedAt.getTime() + day), 3);
    expect(inside.tier).toBe("pro");
    expect(inside.warnings).toEqual([
      { kind: "payment_failed", graceEndsAt: new Date(failedAt.getTime() + 3 * day) },
    ]);
    const after = await getEntitlements(db, owner, new Date(failedAt.getTime() + 3 * day + 1), 3);
    expect(after).toMatchObject({ tier: "free", status: "past_due", source: "free" });
  });

  it("keeps the plan until a scheduled cancel, then Free once the deletion arrives", async () => {
    const owner = await newWorkspace("leaving@example.com");
    const customer = await t.stripe.customers.create({
      email: "leaving@example.com",
      metadata: { workspaceId: owner },
    });
    const card = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const [pro] = (await t.stripe.prices.list({ lookup_keys: ["pro_monthly"] })).data;
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: pro?.id ?? "" }],
      default_payment_method: card.id,
      cancel_at_period_end: true,
    });
    await deliverAllFor(customer.id);
    const scheduled = await getEntitlements(db, owner, new Date());
    expect(scheduled.tier).toBe("pro");
    expect(scheduled.warnings.map((warning) => warning.kind)).toEqual(["cancels"]);

    await t.control("POST", "/clock/advance", { seconds: 32 * 86_400 });
    await deliverAllFor(customer.id);
    const [row] = await db
      .select()
      .from(subscriptionsTable)
      .where(eq(subscriptionsTable.stripeSubscriptionId, subscription.id));
    expect(row?.status).toBe("canceled");
    expect((await getEntitlements(db, owner, new Date())).tier).toBe("free");
  });
});

describe("the version guard", () => {
  beforeEach(resetMirror);

  it("ends in the newest state whatever order and duplicates of older fetches are written", async () => {
    const newest = snapshots.at(-1);
    if (!newest) throw new Error("no snapshots");
    await applyCustomerSnapshot(db, newest);
    const expected = await mirror();
    // Each step of the life differs from the next, so a stale write would show.
    expect(new Set(snapshots.map((snapshot) => JSON.stringify(snapshot.subscriptions))).size).toBe(
      snapshots.length,
    );
    const steps = snapshots.map((_, index) => index);
    await fc.assert(
      fc.asyncProperty(
        // Every step once in any order, then any of them again at random places.
        fc.shuffledSubarray(steps, { minLength: steps.length, maxLength: steps.length }),
        fc.array(fc.tuple(fc.constantFrom(...steps), fc.nat()), { maxLength: 8 }),
        async (order, repeats) => {
          await resetMirror();
          const sequence = [...order];
          for (const [step, place] of repeats)
            sequence.splice(place % (sequence.length + 1), 0, step);
          for (const index of sequence) {
            const snapshot = snapshots[index];
            if (snapshot) await db.transaction((tx) => applyCustomerSnapshot(tx, snapshot));
          }
          expect(await mirror()).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
