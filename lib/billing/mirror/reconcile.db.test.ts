import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { customers, leases, subscriptions, users, webhookEvents } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { type BillingTest, useBillingTest } from "@/lib/testing/billing";
import { putInLedger, subscribeInStripe, subscriberWithoutWebhooks } from "@/lib/testing/webhooks";
import { createWorkspace, ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import type { TestEmulator } from "@/stripe-emulator/testing";
import { RECONCILE_LEASE, reconcileBilling, startReconcile } from "./reconcile";

const billing = useBillingTest();
let db: BillingTest["db"];
let t: TestEmulator;
let workspaceId: string;
let stripeSubscriptionId: string;

beforeAll(async () => {
  db = billing.db;
  t = billing.emulator;
  const lost = await subscriberWithoutWebhooks(db, t.stripe, "lost@example.com");
  workspaceId = lost.workspaceId;
  stripeSubscriptionId = lost.subscription.id;
}, 60_000);

/** A user with the personal workspace sign-up gives. */
async function signedUp(email: string) {
  const [user] = await db.insert(users).values({ email }).returning({ id: users.id });
  if (!user) throw new Error("no user");
  return { user, workspace: await ensurePersonalWorkspace(db, user.id) };
}

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
      workspaceId,
      planTier: "pro",
      billingPeriod: "yearly",
      status: "active",
    });
    const [ledger] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
    expect(ledger).toMatchObject({ status: "processed", attempts: 4, lastError: null });
  });

  it("covers a customer linked in customers that carries no metadata.workspaceId", async () => {
    const { workspace } = await signedUp("plain@example.com");
    const customer = await t.stripe.customers.create({ email: "plain@example.com" });
    await db.insert(customers).values({ workspaceId: workspace.id, stripeCustomerId: customer.id });
    const subscription = await subscribeInStripe(t.stripe, customer.id, "enterprise_yearly");

    expect(await reconcileBilling(db, t.stripe)).toMatchObject({ customers: 2, stillFailing: 0 });
    const [row] = await db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, subscription.id));
    expect(row).toMatchObject({
      workspaceId: workspace.id,
      planTier: "enterprise",
      status: "active",
    });
  });

  it("links a customer created before workspaces, naming only metadata.userId, to that user's personal workspace", async () => {
    const { user, workspace } = await signedUp("pre-workspaces@example.com");
    // The user also owns a team workspace: the legacy customer is still the personal one's.
    await createWorkspace(db, { userId: user.id, name: "Later Team" });
    const customer = await t.stripe.customers.create({
      email: "pre-workspaces@example.com",
      metadata: { userId: user.id },
    });
    const subscription = await subscribeInStripe(t.stripe, customer.id, "pro_monthly");

    expect(await reconcileBilling(db, t.stripe)).toMatchObject({
      customers: 3,
      stillFailing: 0,
      stillUnlinked: 0,
    });
    expect(
      await db
        .select({ workspaceId: customers.workspaceId })
        .from(customers)
        .where(eq(customers.stripeCustomerId, customer.id)),
    ).toEqual([{ workspaceId: workspace.id }]);
    const [row] = await db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, subscription.id));
    expect(row).toMatchObject({ workspaceId: workspace.id, planTier: "pro", status: "active" });
  });

  it("runs one at a time: a second reconcile while one runs is refused with a conflict", async () => {
    // Stripe is slow to answer the first reconcile's first call: it still runs when asked again.
    await t.control("POST", "/faults", { hangMs: 1_000, count: 1 });
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
