// Seats follow membership, against the emulator over HTTP and the real job engine. Moves the
// emulator's wall clock (the last test), which every subscription in it shares: this file has an
// emulator of its own.
import { and, eq } from "drizzle-orm";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { subscriptions, workspaceMembers } from "@/db/schema";
import { planAmount } from "@/lib/billing/catalog/plans";
import { getStripe, provideStripe } from "@/lib/billing/stripe/client";
import { AppError } from "@/lib/errors";
import { startEngine } from "@/lib/jobs/engine";
import { WEBHOOK_REPLAY_QUEUE, WORKSPACE_SEATS_QUEUE } from "@/lib/jobs/queues";
import { createTestUser, type TestUser, useBillingTest } from "@/lib/testing/billing";
import { clientFor } from "@/stripe-emulator/testing";
import { seatSummary } from "./seat-summary";
import {
  addTestMember,
  expectedProration,
  paidTestWorkspace,
  pendingProrations,
  recordChange,
  removeTestMember,
} from "./seat-testing";
import { assertMemberRoom } from "./seats";

const t = useBillingTest();

const addMember = (workspaceId: string, user: TestUser) => addTestMember(t, workspaceId, user);

/** A workspace on Pro monthly, past its trial (prorations apply), with `members` members. */
async function proWorkspace(name: string, members: number) {
  const workspace = await paidTestWorkspace(t, name, { members });
  expect(await billedQuantity(workspace.subscriptionId)).toBe(members);
  return workspace;
}

async function billedQuantity(subscriptionId: string): Promise<number | undefined> {
  const subscription = await t.stripe.subscriptions.retrieve(subscriptionId);
  return subscription.items.data.find((item) => item.price.lookup_key === "pro_monthly")?.quantity;
}

async function mirroredQuantity(subscriptionId: string): Promise<number | undefined> {
  const [row] = await t.db
    .select({ quantity: subscriptions.quantity })
    .from(subscriptions)
    .where(eq(subscriptions.stripeSubscriptionId, subscriptionId));
  return row?.quantity;
}

async function seatJobsWaiting(workspaceId: string): Promise<number> {
  const rows = await t.handle.sql.executeSql(
    "select count(*)::int as n from pgboss.job where name = $1 and singleton_key = $2 and state = 'created'",
    [WORKSPACE_SEATS_QUEUE, workspaceId],
  );
  return Number(rows.rows[0]?.n);
}

async function subscriptionUpdates(subscriptionId: string): Promise<number> {
  const traffic = await t.emulator.control<{ calls: Record<string, number> }>("GET", "/requests");
  return traffic.body.calls[`POST /v1/subscriptions/${subscriptionId}`] ?? 0;
}

describe("seats follow membership", () => {
  it("bills a fourth member on Pro at once, prorated on the next invoice, and mirrors it", async () => {
    const { owner, subscriptionId } = await proWorkspace("acme", 3);
    const before = await pendingProrations(t, subscriptionId);

    await addMember(owner.workspaceId, await createTestUser(t, "fourth"));
    expect(await billedQuantity(subscriptionId)).toBe(3);
    await t.runJobs();

    expect(await billedQuantity(subscriptionId)).toBe(4);
    expect(await mirroredQuantity(subscriptionId)).toBe(4);
    const subscription = await t.stripe.subscriptions.retrieve(subscriptionId);
    const item = subscription.items.data.find((candidate) => candidate.quantity === 4);
    if (!item) throw new Error("no seat item");
    const added = (await pendingProrations(t, subscriptionId)).slice(before.length);
    expect(added.map((line) => line.quantity)).toEqual([3, 4]);
    const at = added[0]?.period.start ?? 0;
    const total = added.reduce((sum, line) => sum + line.amount, 0);
    expect(total).toBe(expectedProration({ period: "monthly", from: 3, to: 4, at }, item));
    // One extra seat ($9) for the rest of a period that has barely begun.
    expect(total).toBeGreaterThan(890);
    expect(total).toBeLessThanOrEqual(900);
    expect(await seatSummary(t.db, owner.workspaceId)).toEqual({
      tier: "pro",
      members: 4,
      included: 3,
      limit: null,
      billed: 4,
      billedExtra: 1,
    });
  });

  it("makes one job of two members joining at once, and bills exactly the members", async () => {
    const { owner, subscriptionId } = await proWorkspace("burst", 3);
    const [first, second] = [await createTestUser(t, "first"), await createTestUser(t, "second")];

    await Promise.all([addMember(owner.workspaceId, first), addMember(owner.workspaceId, second)]);
    expect(await seatJobsWaiting(owner.workspaceId)).toBe(1);
    await t.runJobs();

    expect(await billedQuantity(subscriptionId)).toBe(5);
    expect(await mirroredQuantity(subscriptionId)).toBe(5);
  });

  it("sends nothing for a membership change that rolls back", async () => {
    const { owner, subscriptionId } = await proWorkspace("rollback", 3);
    const joiner = await createTestUser(t, "joiner");

    const failed = await t.db
      .transaction(async (tx) => {
        await tx
          .insert(workspaceMembers)
          .values({ workspaceId: owner.workspaceId, userId: joiner.id, role: "member" });
        await recordChange(tx, owner.workspaceId);
        throw new Error("the invitation turned out to be revoked");
      })
      .catch((error: unknown) => error);

    expect(failed).toBeInstanceOf(Error);
    expect(await seatJobsWaiting(owner.workspaceId)).toBe(0);
    expect(await t.runJobs()).toEqual({ completed: 0, failed: 0 });
    expect(await billedQuantity(subscriptionId)).toBe(3);
  });

  it("retries a seat change through a Stripe outage and bills it once", async () => {
    const { owner, subscriptionId } = await proWorkspace("outage", 3);
    const before = await pendingProrations(t, subscriptionId);
    const updatesBefore = await subscriptionUpdates(subscriptionId);

    await addMember(owner.workspaceId, await createTestUser(t, "during-outage"));
    // Stripe answers the job's first two tries 503; the third goes through.
    await t.emulator.control("POST", "/faults", { status: 503, count: 2 });
    const report = await t.runJobs();

    expect(report).toEqual({ completed: 1, failed: 2 });
    expect(await billedQuantity(subscriptionId)).toBe(4);
    expect(await mirroredQuantity(subscriptionId)).toBe(4);
    expect(await subscriptionUpdates(subscriptionId)).toBe(updatesBefore + 1);
    expect((await pendingProrations(t, subscriptionId)).slice(before.length)).toHaveLength(2);
  });

  it("bills a seat change once when Stripe applied it but its answer was lost", async () => {
    const { owner, subscriptionId } = await proWorkspace("lost-answer", 3);
    const before = await pendingProrations(t, subscriptionId);
    const updatesBefore = await subscriptionUpdates(subscriptionId);
    const provided = getStripe();
    provideStripe(clientFor(t.emulator.emu, undefined, { httpClient: losingFirstUpdate() }));
    try {
      await addMember(owner.workspaceId, await createTestUser(t, "lost"));
      const report = await t.runJobs();
      expect(report).toEqual({ completed: 1, failed: 1 });
    } finally {
      provideStripe(provided);
    }

    expect(await billedQuantity(subscriptionId)).toBe(4);
    expect(await mirroredQuantity(subscriptionId)).toBe(4);
    expect(await subscriptionUpdates(subscriptionId)).toBe(updatesBefore + 1);
    expect((await pendingProrations(t, subscriptionId)).slice(before.length)).toHaveLength(2);
  });

  it("asks again, from the replay job, for the seats of a workspace whose job was lost", async () => {
    const { owner, subscriptionId } = await proWorkspace("drift", 3);
    // A member added by a path that forgot to ask for the sync.
    const forgotten = await createTestUser(t, "forgotten");
    await t.db
      .insert(workspaceMembers)
      .values({ workspaceId: owner.workspaceId, userId: forgotten.id, role: "member" });
    const boss = await startEngine(t.handle);
    try {
      await boss.send(WEBHOOK_REPLAY_QUEUE, {});
    } finally {
      await boss.stop({ graceful: false, close: false });
    }
    await t.runJobs();

    expect(await billedQuantity(subscriptionId)).toBe(4);
    expect(await mirroredQuantity(subscriptionId)).toBe(4);
  });

  it("does nothing for a workspace on Free", async () => {
    const owner = await createTestUser(t, "free");
    await addMember(owner.workspaceId, await createTestUser(t, "friend"));
    await t.runJobs();
    expect(await seatSummary(t.db, owner.workspaceId)).toEqual({
      tier: "free",
      members: 2,
      included: 2,
      limit: 2,
      billed: null,
      billedExtra: null,
    });
  });

  it("lowers the seats without a credit when a member leaves, and the renewal bills fewer", async () => {
    const { owner, subscriptionId } = await proWorkspace("shrink", 5);
    const [leaving] = await t.db
      .select({ userId: workspaceMembers.userId })
      .from(workspaceMembers)
      .where(
        and(
          eq(workspaceMembers.workspaceId, owner.workspaceId),
          eq(workspaceMembers.role, "member"),
        ),
      );
    const before = await pendingProrations(t, subscriptionId);

    if (!leaving) throw new Error("no member to remove");
    await removeTestMember(t, owner.workspaceId, leaving.userId);
    await t.runJobs();

    expect(await billedQuantity(subscriptionId)).toBe(4);
    expect(await mirroredQuantity(subscriptionId)).toBe(4);
    const lines = (all: Stripe.InvoiceLineItem[]) =>
      all.map((line) => [line.amount, line.quantity, line.period.start]);
    expect(lines(await pendingProrations(t, subscriptionId))).toEqual(lines(before));

    const subscription = await t.stripe.subscriptions.retrieve(subscriptionId);
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    const clock = await t.emulator.control<{ now: number }>("GET", "/clock");
    await t.emulator.control("POST", "/clock/advance", {
      seconds: periodEnd - clock.body.now + 60,
    });
    const renewal = (await t.stripe.invoices.list({ subscription: subscriptionId })).data.find(
      (invoice) => invoice.billing_reason === "subscription_cycle",
    );
    const planLines = renewal?.lines.data.filter(
      (line) => !line.parent?.subscription_item_details?.proration && line.quantity === 4,
    );
    // Three included seats and one extra: $29 + $9.
    expect(planLines?.map((line) => line.amount)).toEqual([planAmount("pro", "monthly", 4)]);
    expect(planAmount("pro", "monthly", 4)).toBe(38_00);
  });
});

describe("member room", () => {
  it("refuses a third member on Free with 402, naming Pro and linking to the upgrade", async () => {
    const owner = await createTestUser(t, "tiny");
    await assertMemberRoom(t.db, owner.workspaceId, 1);
    await addMember(owner.workspaceId, await createTestUser(t, "second"));

    const refused = await assertMemberRoom(t.db, owner.workspaceId, 1).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: "payment_required",
      status: 402,
      message:
        "The Free plan allows up to 2 members and this workspace has 2. Upgrade to Pro to add more.",
      details: {
        plan: "free",
        limit: 2,
        members: 2,
        upgradePlan: "pro",
        upgradeUrl: `/w/${owner.workspaceSlug}/billing?plan=pro`,
      },
    });
  });

  it("has no member limit on a paid plan", async () => {
    const { owner } = await proWorkspace("roomy", 3);
    await expect(assertMemberRoom(t.db, owner.workspaceId, 30)).resolves.toBeUndefined();
  });
});

/**
 * An HTTP client that sends the first subscription update to Stripe, lets Stripe apply it, and
 * then loses the answer: what the caller sees when the connection drops at the worst moment.
 */
function losingFirstUpdate(): Stripe.HttpClient {
  const inner = Stripe.createNodeHttpClient();
  let lost = false;
  return {
    getClientName: () => inner.getClientName(),
    async makeRequest(...request: Parameters<Stripe.HttpClient["makeRequest"]>) {
      const [, , path, method] = request;
      const response = await inner.makeRequest(...request);
      if (!lost && method === "POST" && /^\/v1\/subscriptions\/sub_/.test(path)) {
        lost = true;
        throw new Error("socket hang up");
      }
      return response;
    },
  };
}
