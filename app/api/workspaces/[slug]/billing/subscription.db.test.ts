import { and, eq, ne } from "drizzle-orm";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { invoices, subscriptions } from "@/db/schema";
import { getEntitlements } from "@/lib/billing/entitlements";
import { applyStripeEventNow } from "@/lib/billing/mirror/replay-event";
import { cancelSubscription } from "@/lib/billing/service/cancel";
import { createPortalSession } from "@/lib/billing/service/portal";
import { resumeSubscription } from "@/lib/billing/service/resume";
import {
  createTestUser,
  givePastSubscription,
  subscribe,
  type TestUser,
  useBillingTest,
  userRequest,
} from "@/lib/testing/billing";
import { withParams } from "@/lib/testing/http";

import { POST as cancelRoute } from "./subscription/cancel/route";
import { POST as resumeRoute } from "./subscription/resume/route";
import { POST as changeRoute, GET as previewRoute } from "./subscription/route";

const t = useBillingTest();

interface Preview {
  change: "upgrade" | "downgrade";
  amountDue: number;
  currency: string;
  prorationDate: number | null;
  effectiveAt: string;
}

interface ChangeAnswer {
  change: string;
  subscription: { plan: string; period: string; status: string; cancelAtPeriodEnd: boolean };
}

const api = (user: TestUser, path: string) =>
  `/api/workspaces/${user.workspaceSlug}/billing/${path}`;
const slugOf = (user: TestUser) => withParams({ slug: user.workspaceSlug });

const preview = (user: TestUser, plan: string, period: string) =>
  previewRoute(
    userRequest(user, api(user, `subscription?plan=${plan}&period=${period}`)),
    slugOf(user),
  );
const change = (user: TestUser, body: unknown, headers: Record<string, string> = {}) =>
  changeRoute(userRequest(user, api(user, "subscription"), { body, headers }), slugOf(user));
const cancel = (user: TestUser, body?: unknown, headers: Record<string, string> = {}) =>
  cancelRoute(
    userRequest(user, api(user, "subscription/cancel"), { method: "POST", body, headers }),
    slugOf(user),
  );
const resume = (user: TestUser, headers: Record<string, string> = {}) =>
  resumeRoute(
    userRequest(user, api(user, "subscription/resume"), { method: "POST", headers }),
    slugOf(user),
  );

/** A cancellation a site admin schedules from the admin area (at the period's end). */
const adminCancels = (admin: TestUser, target: TestUser) =>
  cancelSubscription({
    db: t.db,
    stripe: t.stripe,
    workspaceId: target.workspaceId,
    actor: { id: admin.id, siteAdmin: true },
  });

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

/** A user whose personal workspace has an active (not trialing) subscription to `plan`, mirrored in Postgres. */
async function activeUser(
  name: string,
  plan: "pro" | "enterprise",
  period: "monthly" | "yearly" = "monthly",
): Promise<{ user: TestUser; subscription: Stripe.Subscription }> {
  const user = await createTestUser(t, name);
  await givePastSubscription(t, user);
  const subscription = await subscribe(t, user, plan, period);
  expect(subscription.status).toBe("active");
  return { user, subscription };
}

async function currentRow(workspaceId: string) {
  const [row] = await t.db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.workspaceId, workspaceId), ne(subscriptions.status, "canceled")));
  return row;
}

describe("upgrading", () => {
  it("invoices the proration at once, for the amount the preview showed", async () => {
    const { user, subscription } = await activeUser("upgrader", "pro");
    const previewed = await preview(user, "enterprise", "monthly");
    expect(previewed.status).toBe(200);
    const quote = (await previewed.json()) as Preview;
    expect(quote).toMatchObject({ change: "upgrade", currency: "usd" });
    expect(quote.amountDue).toBeGreaterThan(0);
    expect(quote.amountDue).toBeLessThanOrEqual(299_00 - 29_00);
    expect(quote.prorationDate).toEqual(expect.any(Number));

    const response = await change(user, {
      plan: "enterprise",
      period: "monthly",
      prorationDate: quote.prorationDate,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      change: "upgrade",
      subscription: { plan: "enterprise", period: "monthly", status: "active" },
    });

    const [latest] = (await t.stripe.invoices.list({ subscription: subscription.id, limit: 1 }))
      .data;
    expect(latest).toMatchObject({ billing_reason: "subscription_update", status: "paid" });
    expect(latest?.amount_paid).toBe(quote.amountDue);

    // Mirrored before any webhook: the row, the invoice and the entitlements.
    expect(await currentRow(user.workspaceId)).toMatchObject({
      planTier: "enterprise",
      status: "active",
    });
    const [mirrored] = await t.db
      .select()
      .from(invoices)
      .where(
        and(
          eq(invoices.workspaceId, user.workspaceId),
          eq(invoices.billingReason, "subscription_update"),
        ),
      );
    expect(mirrored).toMatchObject({
      billingReason: "subscription_update",
      status: "paid",
      amountPaid: quote.amountDue,
    });
    expect((await getEntitlements(t.db, user.workspaceId)).tier).toBe("enterprise");

    const same = await change(user, { plan: "enterprise", period: "monthly" });
    expect(same.status).toBe(409);
    expect((await errorOf(same)).code).toBe("already_on_plan");
    expect((await preview(user, "enterprise", "monthly")).status).toBe(409);
    const free = await change(user, { plan: "free", period: "monthly" });
    expect(free.status).toBe(400);
  });

  it("refuses a proration date outside the last minutes with 409", async () => {
    const { user } = await activeUser("stale", "pro");
    const quote = (await (await preview(user, "enterprise", "yearly")).json()) as Preview;
    const stale = await change(user, {
      plan: "enterprise",
      period: "yearly",
      prorationDate: (quote.prorationDate ?? 0) - 3_600,
    });
    expect(stale.status).toBe(409);
    const future = await change(user, {
      plan: "enterprise",
      period: "yearly",
      prorationDate: (quote.prorationDate ?? 0) + 20 * 86_400,
    });
    expect(future.status).toBe(409);
    expect(await currentRow(user.workspaceId)).toMatchObject({
      planTier: "pro",
      billingPeriod: "monthly",
    });
  });

  it("drops the metered price when moving to yearly billing, and swaps it with the tier", async () => {
    const { user, subscription } = await activeUser("metered", "pro");
    const lookupKeys = async () =>
      (await t.stripe.subscriptions.retrieve(subscription.id)).items.data.map(
        (item) => item.price.lookup_key,
      );
    expect(await lookupKeys()).toEqual(["pro_monthly", "pro_api_calls"]);
    expect((await change(user, { plan: "enterprise", period: "monthly" })).status).toBe(200);
    expect(await lookupKeys()).toEqual(["enterprise_monthly", "enterprise_api_calls"]);
    expect((await change(user, { plan: "enterprise", period: "yearly" })).status).toBe(200);
    expect(await lookupKeys()).toEqual(["enterprise_yearly"]);
    expect(await currentRow(user.workspaceId)).toMatchObject({
      billingPeriod: "yearly",
      meteredPriceId: null,
    });
  });

  it("answers 402 with Stripe's message when the card declines, and changes nothing", async () => {
    const { user, subscription } = await activeUser("declined", "pro");
    const failing = await t.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", {
      customer: String(subscription.customer),
    });
    await t.stripe.subscriptions.update(subscription.id, {
      default_payment_method: failing.id,
    });
    const response = await change(user, { plan: "enterprise", period: "monthly" });
    expect(response.status).toBe(402);
    expect(await errorOf(response)).toMatchObject({
      code: "payment_required",
      message: "Your card was declined.",
    });
    const after = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(after.status).toBe("active");
    expect(after.items.data[0]?.price.lookup_key).toBe("pro_monthly");
    expect(await currentRow(user.workspaceId)).toMatchObject({ planTier: "pro", status: "active" });
  });

  it("switches plan in a trial without charging anything", async () => {
    const user = await createTestUser(t, "trialist");
    const subscription = await subscribe(t, user, "pro", "monthly");
    expect(subscription.status).toBe("trialing");
    const quote = (await (await preview(user, "enterprise", "monthly")).json()) as Preview;
    expect(quote).toMatchObject({ change: "upgrade", amountDue: 0, prorationDate: null });
    const response = await change(user, { plan: "enterprise", period: "monthly" });
    expect(response.status).toBe(200);
    const listed = await t.stripe.invoices.list({ subscription: subscription.id });
    expect(listed.data.map((invoice) => invoice.amount_due)).toEqual([0]);
    expect(await currentRow(user.workspaceId)).toMatchObject({
      planTier: "enterprise",
      status: "trialing",
    });
  });
});

describe("downgrading", () => {
  it("leaves the current period alone: no invoice and no credit now", async () => {
    const { user, subscription } = await activeUser("downgrader", "enterprise");
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    const quote = (await (await preview(user, "pro", "monthly")).json()) as Preview;
    expect(quote).toMatchObject({
      change: "downgrade",
      amountDue: 0,
      prorationDate: null,
      effectiveAt: new Date(periodEnd * 1000).toISOString(),
    });
    const response = await change(user, { plan: "pro", period: "monthly" });
    expect(response.status).toBe(200);
    expect(((await response.json()) as ChangeAnswer).change).toBe("downgrade");
    const listed = await t.stripe.invoices.list({ subscription: subscription.id });
    expect(listed.data.map((invoice) => invoice.billing_reason)).toEqual(["subscription_create"]);
    const customer = (await t.stripe.customers.retrieve(
      String(subscription.customer),
    )) as Stripe.Customer;
    expect(customer.balance).toBe(0);
    const after = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(after.items.data[0]?.current_period_end).toBe(periodEnd);
  });

  it("keeps the plan paid for until the period's end, and choosing it again undoes the downgrade", async () => {
    const { user, subscription } = await activeUser("undo", "enterprise");
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    expect((await change(user, { plan: "pro", period: "monthly" })).status).toBe(200);
    expect(await currentRow(user.workspaceId)).toMatchObject({
      planTier: "pro",
      keptPlanLookupKey: "enterprise_monthly",
      keptPlanUntil: new Date(periodEnd * 1000),
    });
    expect((await getEntitlements(t.db, user.workspaceId)).tier).toBe("enterprise");

    const quote = (await (await preview(user, "enterprise", "monthly")).json()) as Preview;
    expect(quote).toMatchObject({ amountDue: 0, prorationDate: null });
    const undone = await change(user, { plan: "enterprise", period: "monthly" });
    expect(undone.status).toBe(200);
    const listed = await t.stripe.invoices.list({ subscription: subscription.id });
    expect(listed.data.map((invoice) => invoice.billing_reason)).toEqual(["subscription_create"]);
    const live = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(live.items.data[0]?.price.lookup_key).toBe("enterprise_monthly");
    expect(live.metadata).not.toHaveProperty("tollgate_kept_plan");
    expect(await currentRow(user.workspaceId)).toMatchObject({
      planTier: "enterprise",
      keptPlanLookupKey: null,
    });
    const entitlements = await getEntitlements(t.db, user.workspaceId);
    expect(entitlements).toMatchObject({ tier: "enterprise", warnings: [] });
    // Choosing Enterprise once more is now the plan it is on.
    expect((await change(user, { plan: "enterprise", period: "monthly" })).status).toBe(409);
  });

  it("applies a yearly-to-monthly downgrade now, crediting the unused year", async () => {
    const { user, subscription } = await activeUser("yearly", "enterprise", "yearly");
    const response = await change(user, { plan: "pro", period: "monthly" });
    expect(response.status).toBe(200);
    const [latest] = (await t.stripe.invoices.list({ subscription: subscription.id, limit: 1 }))
      .data;
    expect(latest).toMatchObject({ billing_reason: "subscription_update", amount_due: 0 });
    const customer = (await t.stripe.customers.retrieve(
      String(subscription.customer),
    )) as Stripe.Customer;
    expect(customer.balance).toBeLessThan(-(2_990_00 - 29_00) + 100);
    expect(await currentRow(user.workspaceId)).toMatchObject({
      planTier: "pro",
      billingPeriod: "monthly",
    });
    // Monthly billing brings the metered API-calls price; the yearly plan had none.
    expect(subscription.items.data.map((item) => item.price.lookup_key)).toEqual([
      "enterprise_yearly",
    ]);
    const live = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(live.items.data.map((item) => item.price.lookup_key)).toEqual([
      "pro_monthly",
      "pro_api_calls",
    ]);
  });
});

describe("cancel and resume", () => {
  it("cancels at period end keeping Pro with a warning, and resumes", async () => {
    const { user, subscription } = await activeUser("canceler", "pro");
    const canceled = await cancel(user);
    expect(canceled.status).toBe(200);
    expect(((await canceled.json()) as ChangeAnswer).subscription).toMatchObject({
      cancelAtPeriodEnd: true,
      status: "active",
    });
    expect(await currentRow(user.workspaceId)).toMatchObject({ cancelAtPeriodEnd: true });
    const entitlements = await getEntitlements(t.db, user.workspaceId);
    expect(entitlements.tier).toBe("pro");
    const periodEnd = new Date((subscription.items.data[0]?.current_period_end ?? 0) * 1000);
    expect(entitlements.warnings).toContainEqual({ kind: "cancels", cancelsAt: periodEnd });
    expect((await cancel(user)).status).toBe(409);

    const resumed = await resume(user);
    expect(resumed.status).toBe(200);
    expect(((await resumed.json()) as ChangeAnswer).subscription.cancelAtPeriodEnd).toBe(false);
    expect(await currentRow(user.workspaceId)).toMatchObject({
      cancelAtPeriodEnd: false,
      cancelAt: null,
    });
    expect((await getEntitlements(t.db, user.workspaceId)).warnings).toEqual([]);
    const again = await resume(user);
    expect(again.status).toBe(409);
    expect((await errorOf(again)).message).toBe("Your subscription is not set to cancel.");
  });

  it("lets only an admin end a subscription at once", async () => {
    const { user, subscription } = await activeUser("immediate", "pro");
    const refused = await cancel(user, { immediately: true });
    expect(refused.status).toBe(403);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");

    const admin = await createTestUser(t, "admin", "admin");
    await expect(
      cancelSubscription({
        db: t.db,
        stripe: t.stripe,
        workspaceId: user.workspaceId,
        actor: { id: user.id, siteAdmin: false },
        immediately: true,
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const ended = await cancelSubscription({
      db: t.db,
      stripe: t.stripe,
      workspaceId: user.workspaceId,
      actor: { id: admin.id, siteAdmin: true },
      immediately: true,
    });
    expect(ended.subscription.status).toBe("canceled");
    expect((await getEntitlements(t.db, user.workspaceId)).tier).toBe("free");
    expect((await cancel(user)).status).toBe(404);
  });
});

describe("who scheduled a cancellation", () => {
  it("records the user's own cancellation as theirs, and forgets it on resume", async () => {
    const { user, subscription } = await activeUser("own-cancel", "pro");
    expect((await cancel(user)).status).toBe(200);
    expect(await currentRow(user.workspaceId)).toMatchObject({ cancelRequestedBy: "user" });
    expect((await resume(user)).status).toBe(200);
    expect(await currentRow(user.workspaceId)).toMatchObject({ cancelRequestedBy: null });
    const after = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(after.metadata.tollgate_cancel_requested_by).toBeUndefined();
  });

  it("refuses an owner's resume of a site admin's cancellation with 403; a site admin can undo it", async () => {
    const { user, subscription } = await activeUser("admin-ends", "pro");
    const admin = await createTestUser(t, "intent-admin", "admin");
    await adminCancels(admin, user);
    expect(await currentRow(user.workspaceId)).toMatchObject({
      cancelAtPeriodEnd: true,
      cancelRequestedBy: "admin",
    });

    const refused = await resume(user);
    expect(refused.status).toBe(403);
    const error = await errorOf(refused);
    expect(error.code).toBe("forbidden");
    expect(error.message).toMatch(/Support scheduled this cancellation/);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(
      true,
    );
    await resumeSubscription({
      db: t.db,
      stripe: t.stripe,
      workspaceId: user.workspaceId,
      actor: { id: admin.id, siteAdmin: true },
    });
    expect(await currentRow(user.workspaceId)).toMatchObject({
      cancelAtPeriodEnd: false,
      cancelRequestedBy: null,
    });
  });

  it("schedules an admin's cancellation again when the portal's renew button undid it", async () => {
    const { user, subscription } = await activeUser("portal-renew", "pro");
    const admin = await createTestUser(t, "renew-admin", "admin");
    await adminCancels(admin, user);

    const { url } = await createPortalSession({
      db: t.db,
      stripe: t.stripe,
      workspaceId: user.workspaceId,
      workspaceSlug: user.workspaceSlug,
    });
    const renewed = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ action: "resume", subscription: subscription.id }).toString(),
      redirect: "manual",
    });
    expect(renewed.status).toBe(303);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(
      false,
    );

    const [event] = (
      await t.stripe.events.list({ type: "customer.subscription.updated", limit: 1 })
    ).data;
    if (!event) throw new Error("no update event");
    await applyStripeEventNow({ db: t.db, stripe: t.stripe }, event);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(
      true,
    );
    expect(await currentRow(user.workspaceId)).toMatchObject({
      cancelAtPeriodEnd: true,
      cancelRequestedBy: "admin",
    });
  });
});

describe("whose subscription", () => {
  it("never lets one person preview, change, cancel or resume another's workspace's subscription", async () => {
    const { user: owner, subscription } = await activeUser("owner", "pro");
    const other = await createTestUser(t, "other");
    const cases: [string, Response][] = [
      ["preview", await preview(other, "enterprise", "monthly")],
      [
        "change",
        await change(other, {
          plan: "enterprise",
          period: "monthly",
          subscription: subscription.id,
        }),
      ],
      ["cancel", await cancel(other, { subscription: subscription.id })],
      ["resume", await resume(other)],
    ];
    for (const [name, response] of cases) {
      expect([name, response.status]).toEqual([name, 404]);
      expect((await errorOf(response)).code).toBe("no_subscription");
    }
    // Naming the owner's workspace: not a member of it, so it does not exist for them.
    const intruder = { ...other, workspaceSlug: owner.workspaceSlug };
    for (const response of [
      await preview(intruder, "enterprise", "monthly"),
      await change(intruder, { plan: "enterprise", period: "monthly" }),
      await cancel(intruder),
      await resume(intruder),
    ]) {
      expect(response.status).toBe(404);
      expect((await errorOf(response)).code).toBe("not_found");
    }
    const untouched = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(untouched).toMatchObject({ status: "active", cancel_at_period_end: false });
    expect(untouched.items.data[0]?.price.lookup_key).toBe("pro_monthly");
  });
});

describe("request safety", () => {
  it("refuses a foreign origin with 403 and answers 503 when Stripe is down", async () => {
    const { user, subscription } = await activeUser("safety", "pro");
    const evil = { origin: "https://evil.example" };
    expect((await change(user, { plan: "enterprise", period: "monthly" }, evil)).status).toBe(403);
    expect((await cancel(user, {}, evil)).status).toBe(403);
    expect((await resume(user, evil)).status).toBe(403);

    await t.emulator.control("POST", "/faults", { status: 503, count: 1 });
    const down = await cancel(user);
    expect(down.status).toBe(503);
    expect((await errorOf(down)).code).toBe("unavailable");
    await t.emulator.control("POST", "/faults", { status: 429, count: 1 });
    expect((await change(user, { plan: "enterprise", period: "monthly" })).status).toBe(503);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(
      false,
    );
  });
});
