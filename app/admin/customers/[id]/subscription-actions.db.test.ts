import { beforeEach, describe, expect, it, vi } from "vitest";
import { getCustomerDetail } from "@/lib/admin/customers";
import { IDLE } from "@/lib/form-state";
import {
  createTestUser,
  givePastSubscription,
  subscribe,
  type TestUser,
  useBillingTest,
} from "@/lib/testing/billing";
import { testForm } from "@/lib/testing/http";

// Who is signed in and Next's cache are request-scoped in Next; here they are stand-ins.
const requireAdminSession = vi.hoisted(() => vi.fn());
const revalidatePath = vi.hoisted(() => vi.fn());
vi.mock("@/lib/auth/session", () => ({ requireAdminSession }));
vi.mock("next/cache", () => ({ revalidatePath }));

const { cancelWorkspaceSubscriptionAction, resumeWorkspaceSubscriptionAction } = await import(
  "./actions"
);

const t = useBillingTest();

let admin: TestUser;
beforeEach(async () => {
  admin ??= await createTestUser(t, "site-admin", "admin");
  requireAdminSession.mockReset().mockResolvedValue({ user: admin, sessionVersion: 0 });
  revalidatePath.mockReset();
});

/** What the customer page shows of the workspace's subscription. */
async function shown(workspaceId: string) {
  const detail = await getCustomerDetail(t.db, { workspaceId, gracePeriodDays: 3 });
  return { ...detail?.subscription, tier: detail?.entitlements.tier };
}

/** A user whose personal workspace has an active Pro subscription. */
async function subscriber(name: string): Promise<TestUser> {
  const user = await createTestUser(t, name);
  await givePastSubscription(t, user);
  await subscribe(t, user, "pro", "monthly");
  return user;
}

describe("the detail page's subscription actions", () => {
  it("schedule the end for the period end and resume it, for the workspace on the page", async () => {
    const user = await subscriber("scheduled");
    const form = { workspaceId: user.workspaceId };
    expect(
      await cancelWorkspaceSubscriptionAction(IDLE, testForm({ ...form, when: "period_end" })),
    ).toEqual({
      status: "success",
      message: "The subscription ends at the end of its period.",
    });
    expect(requireAdminSession).toHaveBeenCalledWith(`/admin/customers/${user.workspaceId}`);
    expect(revalidatePath).toHaveBeenCalledWith(`/admin/customers/${user.workspaceId}`);
    expect(await shown(user.workspaceId)).toMatchObject({
      status: "active",
      cancelAtPeriodEnd: true,
      cancelRequestedBy: "admin",
    });

    expect(await resumeWorkspaceSubscriptionAction(IDLE, testForm(form))).toEqual({
      status: "success",
      message: "The subscription renews again.",
    });
    expect(await shown(user.workspaceId)).toMatchObject({
      status: "active",
      cancelAtPeriodEnd: false,
      cancelRequestedBy: null,
    });
    // Nothing to resume: Stripe's state is said as it is.
    expect(await resumeWorkspaceSubscriptionAction(IDLE, testForm(form))).toMatchObject({
      status: "error",
    });
  });

  it("end a subscription now, and say so when there is none left", async () => {
    const user = await subscriber("ended-now");
    const form = { workspaceId: user.workspaceId, when: "now" };
    expect(await cancelWorkspaceSubscriptionAction(IDLE, testForm(form))).toEqual({
      status: "success",
      message: "The subscription has ended.",
    });
    expect(await shown(user.workspaceId)).toMatchObject({ status: "canceled", tier: "free" });
    expect(await cancelWorkspaceSubscriptionAction(IDLE, testForm(form))).toMatchObject({
      status: "error",
    });
  });

  it("refuse a form that names no workspace, an unknown one, or no time", async () => {
    expect(
      await cancelWorkspaceSubscriptionAction(IDLE, testForm({ workspaceId: "x", when: "now" })),
    ).toEqual({ status: "error", message: "Name the workspace whose subscription to change." });
    expect(
      await cancelWorkspaceSubscriptionAction(
        IDLE,
        testForm({ workspaceId: "00000000-0000-4000-8000-000000000000", when: "now" }),
      ),
    ).toEqual({ status: "error", message: "No such workspace." });
    expect(
      await cancelWorkspaceSubscriptionAction(
        IDLE,
        testForm({ workspaceId: admin.workspaceId, when: "tomorrow" }),
      ),
    ).toEqual({ status: "error", message: "Choose when the subscription ends." });
  });
});
