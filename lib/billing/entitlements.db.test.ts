import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { type NewSubscription, subscriptions, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { env } from "@/lib/env";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { PLANS } from "./catalog/plans";
import { getEntitlements } from "./entitlements";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

const DAY = 24 * 60 * 60 * 1000;
const at = (iso: string) => new Date(iso);
const NOW = at("2026-11-24T12:00:00Z");

/** The personal workspace of a new user. */
async function createWorkspace(email: string): Promise<string> {
  const [user] = await handle.db.insert(users).values({ email }).returning({ id: users.id });
  if (!user) throw new Error("user not inserted");
  return (await ensurePersonalWorkspace(handle.db, user.id)).id;
}

let sequence = 0;
async function subscribe(
  workspaceId: string,
  overrides: Partial<NewSubscription> = {},
): Promise<NewSubscription> {
  sequence += 1;
  const values: NewSubscription = {
    workspaceId,
    stripeSubscriptionId: `sub_entitlements_${sequence}`,
    stripeCustomerId: `cus_${workspaceId}`,
    planTier: "pro",
    billingPeriod: "monthly",
    status: "active",
    currentPeriodStart: at("2026-11-10T00:00:00Z"),
    currentPeriodEnd: at("2026-12-10T00:00:00Z"),
    ...overrides,
  };
  await handle.db.insert(subscriptions).values(values);
  return values;
}

describe("getEntitlements", () => {
  it("gives Free with status none to a workspace without subscriptions", async () => {
    const workspaceId = await createWorkspace("nobody@example.com");
    const result = await getEntitlements(handle.db, workspaceId, NOW, 3);
    expect(result).toMatchObject({ tier: "free", status: "none", source: "free" });
    expect(result.features).toEqual(PLANS.free.features);
    expect(result.limits).toEqual(PLANS.free.limits);
  });

  it("grants the plan of the active subscription over an older canceled one", async () => {
    const workspaceId = await createWorkspace("upgrader@example.com");
    await subscribe(workspaceId, {
      planTier: "enterprise",
      status: "canceled",
      createdAt: at("2026-10-01T00:00:00Z"),
    });
    await subscribe(workspaceId, {
      planTier: "pro",
      billingPeriod: "yearly",
      status: "active",
      createdAt: at("2026-11-10T00:00:00Z"),
    });
    const result = await getEntitlements(handle.db, workspaceId, NOW, 3);
    expect(result).toMatchObject({
      tier: "pro",
      status: "active",
      source: "subscription",
      period: "yearly",
    });
    expect(result.features).toEqual(PLANS.pro.features);
    expect(result.limits).toEqual(PLANS.pro.limits);
  });

  it("never uses another workspace's subscription", async () => {
    const owner = await createWorkspace("owner@example.com");
    const other = await createWorkspace("other@example.com");
    await subscribe(owner, { planTier: "enterprise", status: "active" });
    await subscribe(other, { planTier: "pro", status: "canceled" });

    expect(await getEntitlements(handle.db, owner, NOW, 3)).toMatchObject({
      tier: "enterprise",
      source: "subscription",
    });
    expect(await getEntitlements(handle.db, other, NOW, 3)).toMatchObject({
      tier: "free",
      status: "canceled",
      source: "free",
    });
    expect(
      await getEntitlements(handle.db, "00000000-0000-4000-8000-000000000000", NOW, 3),
    ).toMatchObject({
      tier: "free",
      status: "none",
    });
  });

  it("applies the grace period it is given to a past_due subscription", async () => {
    const workspaceId = await createWorkspace("late-payer@example.com");
    const paymentFailedAt = at("2026-11-22T12:00:00Z");
    await subscribe(workspaceId, { status: "past_due", paymentFailedAt });

    const inside = await getEntitlements(handle.db, workspaceId, NOW, 3);
    expect(inside).toMatchObject({ tier: "pro", source: "subscription" });
    expect(inside.warnings).toEqual([
      { kind: "payment_failed", graceEndsAt: new Date(paymentFailedAt.getTime() + 3 * DAY) },
    ]);
    expect(await getEntitlements(handle.db, workspaceId, NOW, 1)).toMatchObject({
      tier: "free",
      status: "past_due",
      source: "free",
    });
  });

  it("reads the grace period from BILLING_GRACE_PERIOD_DAYS by default", async () => {
    const workspaceId = await createWorkspace("default-grace@example.com");
    const graceMs = env().BILLING_GRACE_PERIOD_DAYS * DAY;
    const paymentFailedAt = at("2026-11-01T00:00:00Z");
    await subscribe(workspaceId, { status: "past_due", paymentFailedAt });

    const justInside = new Date(paymentFailedAt.getTime() + graceMs - 1);
    expect((await getEntitlements(handle.db, workspaceId, justInside)).source).toBe("subscription");
    const justOutside = new Date(paymentFailedAt.getTime() + graceMs);
    expect((await getEntitlements(handle.db, workspaceId, justOutside)).source).toBe("free");
  });
});
