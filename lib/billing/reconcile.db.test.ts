import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as reconcileRoute } from "@/app/api/admin/billing/reconcile/route";
import { subscriptions, users, webhookEvents } from "@/db/schema";
import { type BillingTest, startBillingTest } from "@/lib/testing/billing";
import { noParams, sessionCookie, testRequest } from "@/lib/testing/http";
import type { TestEmulator } from "@/stripe-emulator/testing";
import { reconcileBilling } from "./reconcile";

let billing: BillingTest;
let db: BillingTest["db"];
let t: TestEmulator;
let userId: string;
let stripeSubscriptionId: string;

beforeAll(async () => {
  billing = await startBillingTest();
  db = billing.db;
  t = billing.emulator;
  const [user] = await db
    .insert(users)
    .values({ email: "lost@example.com" })
    .returning({ id: users.id });
  if (!user) throw new Error("no user");
  userId = user.id;
  // A subscription whose webhooks never arrived.
  const customer = await t.stripe.customers.create({
    email: "lost@example.com",
    metadata: { userId },
  });
  const pm = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  const [price] = (await t.stripe.prices.list({ lookup_keys: ["pro_yearly"] })).data;
  const subscription = await t.stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price?.id ?? "" }],
    default_payment_method: pm.id,
  });
  stripeSubscriptionId = subscription.id;
}, 60_000);

afterAll(async () => {
  await billing.close();
});

describe("reconcileBilling", () => {
  it("mirrors subscriptions whose webhooks never came, and replays failed events", async () => {
    const [event] = (await t.stripe.events.list({ type: "invoice.paid", limit: 1 })).data;
    if (!event) throw new Error("no event");
    await db.insert(webhookEvents).values({
      id: event.id,
      type: event.type,
      created: new Date(event.created * 1000),
      status: "failed",
      attempts: 3,
      lastError: "connection reset",
      payload: event,
    });

    const report = await reconcileBilling(db, t.stripe);
    expect(report).toEqual({ customers: 1, customerFailures: 0, replayed: 1, stillFailing: 0 });
    const [row] = await db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, stripeSubscriptionId));
    expect(row).toMatchObject({
      userId,
      planTier: "pro",
      billingPeriod: "yearly",
      status: "active",
    });
    const [ledger] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
    expect(ledger).toMatchObject({ status: "processed", attempts: 4, lastError: null });
  });

  it("can run on several instances at once", async () => {
    const before = await db.select().from(subscriptions);
    const reports = await Promise.all([
      reconcileBilling(db, t.stripe),
      reconcileBilling(db, t.stripe),
      reconcileBilling(db, t.stripe),
    ]);
    expect(reports.map((report) => report.stillFailing)).toEqual([0, 0, 0]);
    const after = await db.select().from(subscriptions);
    expect(after.map((row) => [row.id, row.status, row.planTier])).toEqual(
      before.map((row) => [row.id, row.status, row.planTier]),
    );
    const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(subscriptions);
    expect(count?.n).toBe(1);
  });

  it("is an admin-only route", async () => {
    const [admin] = await db
      .insert(users)
      .values({ email: "root@example.com", role: "admin" })
      .returning({ id: users.id, role: users.role });
    if (!admin) throw new Error("no admin");
    const asUser = await reconcileRoute(
      testRequest("/api/admin/billing/reconcile", {
        method: "POST",
        cookie: await sessionCookie({ id: userId }),
      }),
      noParams(),
    );
    expect(asUser.status).toBe(403);
    const asAdmin = await reconcileRoute(
      testRequest("/api/admin/billing/reconcile", {
        method: "POST",
        cookie: await sessionCookie(admin),
      }),
      noParams(),
    );
    expect(asAdmin.status).toBe(200);
    expect(await asAdmin.json()).toMatchObject({ customers: 1, stillFailing: 0 });
  });
});
