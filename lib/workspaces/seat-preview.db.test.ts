// The price of one more member, from Stripe's own preview (the emulator over HTTP).
import { describe, expect, it } from "vitest";
import { createTestUser, useBillingTest } from "@/lib/testing/billing";
import { previewSeatCost } from "./seat-preview";
import {
  addTestMember,
  expectedProration,
  paidTestWorkspace,
  pendingProrations,
} from "./seat-testing";

const t = useBillingTest();

async function planItem(subscriptionId: string) {
  const subscription = await t.stripe.subscriptions.retrieve(subscriptionId);
  const item = subscription.items.data.find((candidate) => candidate.quantity !== undefined);
  if (!item) throw new Error("no plan item");
  return item;
}

describe("previewSeatCost", () => {
  it("is null while the next member is one the plan includes", async () => {
    const { owner } = await paidTestWorkspace(t, "two", { members: 2 });
    expect(await previewSeatCost(t, owner.workspaceId)).toBeNull();
  });

  it("is null on Free, which caps members instead of billing them", async () => {
    const owner = await createTestUser(t, "free");
    expect(await previewSeatCost(t, owner.workspaceId)).toBeNull();
  });

  it("prices the fourth member on Pro: $9 a month, and the rest of this month prorated", async () => {
    const { owner, subscriptionId } = await paidTestWorkspace(t, "three", { members: 3 });
    const item = await planItem(subscriptionId);
    // Ten days into the period.
    const now = new Date((item.current_period_start + 10 * 86_400) * 1000);

    const preview = await previewSeatCost({ ...t, now }, owner.workspaceId);

    const at = item.current_period_start + 10 * 86_400;
    expect(preview).toEqual({
      tier: "pro",
      period: "monthly",
      seats: 4,
      included: 3,
      perPeriod: 9_00,
      currency: "usd",
      prorationAmount: expectedProration({ period: "monthly", from: 3, to: 4, at }, item),
      prorationDate: new Date(at * 1000),
      nextInvoiceAt: new Date(item.current_period_end * 1000),
    });
    // $9 for the two-thirds or so of a month that is left.
    expect(preview?.prorationAmount).toBeGreaterThan(5_50);
    expect(preview?.prorationAmount).toBeLessThan(6_50);
  });

  it("quotes what the seat job then charges for the same member", async () => {
    const { owner, subscriptionId } = await paidTestWorkspace(t, "quote", { members: 3 });
    const preview = await previewSeatCost(t, owner.workspaceId);
    if (!preview) throw new Error("no preview");
    const before = await pendingProrations(t, subscriptionId);

    await addTestMember(t, owner.workspaceId, await createTestUser(t, "fourth"));
    await t.runJobs();

    const added = (await pendingProrations(t, subscriptionId)).slice(before.length);
    expect(added.map((line) => line.quantity)).toEqual([3, 4]);
    const charged = added.reduce((sum, line) => sum + line.amount, 0);
    // The job runs a moment after the preview: the same seat, a few seconds less of the period.
    expect(Math.abs(charged - preview.prorationAmount)).toBeLessThanOrEqual(2);
  });

  it("prices a further member on a yearly plan by the year", async () => {
    const { owner } = await paidTestWorkspace(t, "yearly", { members: 3, period: "yearly" });
    expect(await previewSeatCost(t, owner.workspaceId)).toMatchObject({
      period: "yearly",
      seats: 4,
      perPeriod: 90_00,
    });
  });

  it("has nothing to prorate during a trial", async () => {
    const { owner } = await paidTestWorkspace(t, "trial", { members: 3, trial: true });
    expect(await previewSeatCost(t, owner.workspaceId)).toMatchObject({
      perPeriod: 9_00,
      prorationAmount: 0,
    });
  });
});
