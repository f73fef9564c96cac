import { describe, expect, it } from "vitest";
import { useBillingTest } from "@/lib/testing/billing";
import { paidTestWorkspace } from "@/lib/workspaces/seat-testing";
import { listCustomers } from "./customer-list";
import { getCustomerDetail } from "./customers";
import { getSubscriptionMetrics } from "./metrics";

const t = useBillingTest();

describe("seat revenue, from subscriptions Stripe bills per member", () => {
  it("counts each seat beyond the plan's included members in MRR, on the dashboard and per workspace", async () => {
    const pro = await paidTestWorkspace(t, "pro-five", { members: 5 });
    const enterprise = await paidTestWorkspace(t, "enterprise-27", {
      members: 27,
      plan: "enterprise",
      period: "yearly",
    });
    const now = new Date();

    const proMrr = 2_900 + 2 * 900;
    const enterpriseMrr = (299_000 + 2 * 6_000) / 12;
    const metrics = await getSubscriptionMetrics(t.db, now);
    expect(metrics.mrr.amount).toBe(Math.round(proMrr + enterpriseMrr));
    expect(metrics.byPlan.find((plan) => plan.tier === "pro")).toMatchObject({
      active: 1,
      seats: 5,
      mrr: proMrr,
    });
    expect(metrics.byPlan.find((plan) => plan.tier === "enterprise")).toMatchObject({
      active: 1,
      seats: 27,
      mrr: Math.round(enterpriseMrr),
    });

    const { data } = await listCustomers(t.db, { now });
    const row = (workspaceId: string) => data.find((customer) => customer.id === workspaceId);
    expect(row(pro.owner.workspaceId)).toMatchObject({ members: 5, billedSeats: 5, mrr: proMrr });
    expect(row(enterprise.owner.workspaceId)).toMatchObject({
      members: 27,
      billedSeats: 27,
      mrr: Math.round(enterpriseMrr),
    });
    const detail = await getCustomerDetail(t.db, {
      workspaceId: pro.owner.workspaceId,
      now,
      gracePeriodDays: 3,
    });
    expect(detail).toMatchObject({
      memberCount: 5,
      seats: { members: 5, included: 3, billed: 5, billedExtra: 2 },
      mrr: proMrr,
    });
  }, 120_000);
});
