import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as reconcileRoute } from "@/app/api/admin/billing/reconcile/route";
import { customers, leases, subscriptions, users, webhookEvents } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { type BillingTest, startBillingTest } from "@/lib/testing/billing";
import { noParams, sessionCookie, testRequest } from "@/lib/testing/http";
import { captureLog } from "@/lib/testing/log-capture";
import { putInLedger, subscribeInStripe } from "@/lib/testing/webhooks";
import type { TestEmulator } from "@/stripe-emulator/testing";
import { RECONCILE_LEASE, reconcileBilling, startReconcile } from "./reconcile";

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
  stripeSubscriptionId = (await subscribeInStripe(t.stripe, customer.id)).id;
}, 60_000);

afterAll(async () => {
  await billing.close();
});

function leaseRows() {
  return db.select().from(leases);
}

describe("reconcileBilling", () => {
  it("mirrors subscriptions whose webhooks never came, and replays failed events", async () => {
    const [event] = (await t.stripe.events.list({ type: "invoice.paid", limit: 1 })).data;
    if (!event) throw new Error("no event");
    await putInLedger(db, event, { status: "failed", attempts: 3, lastError: "connection reset" });

    const report = await reconcileBilling(db, t.stripe);
    expect(report).toEqual({
      customers: 1,
      customerFailures: 0,
      replayed: 1,
      stillFailing: 0,
      stillUnlinked: 0,
    });
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

  it("covers a customer linked in customers that carries no metadata.userId", async () => {
    const [user] = await db
      .insert(users)
      .values({ email: "plain@example.com" })
      .returning({ id: users.id });
    if (!user) throw new Error("no user");
    const customer = await t.stripe.customers.create({ email: "plain@example.com" });
    await db.insert(customers).values({ userId: user.id, stripeCustomerId: customer.id });
    const subscription = await subscribeInStripe(t.stripe, customer.id, "enterprise_yearly");

    expect(await reconcileBilling(db, t.stripe)).toMatchObject({ customers: 2, stillFailing: 0 });
    const [row] = await db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, subscription.id));
    expect(row).toMatchObject({ userId: user.id, planTier: "enterprise", status: "active" });
  });

  it("runs one at a time: a second reconcile while one runs is refused with a conflict", async () => {
    const first = await startReconcile(db, t.stripe);
    const refused = await reconcileBilling(db, t.stripe).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: "conflict",
      status: 409,
      message: expect.stringMatching(/^A reconcile is already running since \d{4}-\d\d-\d\dT/),
    });
    expect((await first.done).stillFailing).toBe(0);
    expect(await leaseRows()).toEqual([]);
    await expect(reconcileBilling(db, t.stripe)).resolves.toMatchObject({ stillFailing: 0 });
  });

  it("takes over a lease whose holder stopped renewing it, and leaves a live one alone", async () => {
    const hour = 3_600_000;
    await db.insert(leases).values({
      name: RECONCILE_LEASE,
      holder: "an instance that died",
      acquiredAt: new Date(Date.now() - 2 * hour),
      expiresAt: new Date(Date.now() - hour),
    });
    await expect(reconcileBilling(db, t.stripe)).resolves.toMatchObject({ stillFailing: 0 });
    expect(await leaseRows()).toEqual([]);

    const since = new Date("2026-11-30T08:00:00.000Z");
    await db.insert(leases).values({
      name: RECONCILE_LEASE,
      holder: "another instance",
      acquiredAt: since,
      expiresAt: new Date(Date.now() + hour),
    });
    try {
      await expect(reconcileBilling(db, t.stripe)).rejects.toThrow(
        `A reconcile is already running since ${since.toISOString()}`,
      );
    } finally {
      await db.delete(leases);
    }
  });
});

describe("POST /api/admin/billing/reconcile", () => {
  async function post(cookie: string): Promise<Response> {
    return reconcileRoute(
      testRequest("/api/admin/billing/reconcile", { method: "POST", cookie }),
      noParams(),
    );
  }

  it("refuses a user who is not an admin", async () => {
    expect((await post(await sessionCookie({ id: userId }))).status).toBe(403);
    expect(await leaseRows()).toEqual([]);
  });

  it("answers 202 at once, goes on in the background and logs its counts, and answers 409 meanwhile", async () => {
    const [admin] = await db
      .insert(users)
      .values({ email: "root@example.com", role: "admin" })
      .returning({ id: users.id, role: users.role });
    if (!admin) throw new Error("no admin");
    const cookie = await sessionCookie(admin);
    // Stripe is slow to answer the reconcile's first call: it is still running when asked again.
    await t.control("POST", "/faults", { hangMs: 1_500, count: 1 });
    const captured = captureLog();
    try {
      const started = await post(cookie);
      expect(started.status).toBe(202);
      expect(await started.json()).toEqual({ started: true });

      const again = await post(cookie);
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({
        error: { code: "conflict", message: expect.stringContaining("already running since") },
      });

      await expect.poll(leaseRows, { timeout: 20_000, interval: 100 }).toEqual([]);
    } finally {
      captured.restore();
    }
    expect(captured.lines()).toContainEqual(
      expect.objectContaining({
        msg: "billing reconciled",
        customers: 2,
        customerFailures: 0,
        stillFailing: 0,
      }),
    );
    expect((await post(cookie)).status).toBe(202);
    await expect.poll(leaseRows, { timeout: 20_000, interval: 100 }).toEqual([]);
  });
});
