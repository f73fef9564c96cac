import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { customers, subscriptions } from "@/db/schema";
import { getEntitlements } from "@/lib/billing/entitlements";
import { confirmCheckoutSession } from "@/lib/billing/service/confirm-checkout";
import { getOrCreateCustomer } from "@/lib/billing/service/customer";
import { AppError } from "@/lib/errors";
import {
  CARDS,
  checkoutSessionId,
  createTestUser,
  givePastSubscription,
  payCheckout,
  subscribe,
  type TestUser,
  useBillingTest,
  userRequest,
} from "@/lib/testing/billing";
import { withParams } from "@/lib/testing/http";
import { insertMembership } from "@/lib/testing/workspace-members";
import { POST as checkoutRoute } from "./checkout/route";
import { POST as portalRoute } from "./portal/route";

const t = useBillingTest();

const DAY = 86_400;

const api = (user: TestUser, route: string) =>
  `/api/workspaces/${user.workspaceSlug}/billing/${route}`;

function checkout(user: TestUser, body: unknown, headers: Record<string, string> = {}) {
  return checkoutRoute(
    userRequest(user, api(user, "checkout"), { body, headers }),
    withParams({ slug: user.workspaceSlug }),
  );
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return body.error;
}

async function checkoutUrl(user: TestUser, plan: string, period: string): Promise<string> {
  const response = await checkout(user, { plan, period });
  expect(response.status).toBe(200);
  const { url } = (await response.json()) as { url: string };
  return url;
}

async function rowsOf(workspaceId: string) {
  return t.db.select().from(subscriptions).where(eq(subscriptions.workspaceId, workspaceId));
}

describe("POST /api/workspaces/:slug/billing/checkout", () => {
  it("starts a Pro trial that the success sync mirrors before any webhook", async () => {
    const user = await createTestUser(t, "trial");
    const url = await checkoutUrl(user, "pro", "monthly");
    expect(url.startsWith(`${t.emulator.emu.url}/c/pay/cs_`)).toBe(true);

    const [link] = await t.db
      .select()
      .from(customers)
      .where(eq(customers.workspaceId, user.workspaceId));
    expect(link).toBeDefined();
    const customer = (await t.stripe.customers.retrieve(
      String(link?.stripeCustomerId),
    )) as Stripe.Customer;
    expect(customer).toMatchObject({
      email: user.email,
      metadata: { workspaceId: user.workspaceId },
    });

    const sessionId = checkoutSessionId(url);
    const session = await t.stripe.checkout.sessions.retrieve(sessionId, {
      expand: ["line_items"],
    });
    expect(session).toMatchObject({
      mode: "subscription",
      customer: customer.id,
      client_reference_id: user.workspaceId,
      metadata: { workspaceId: user.workspaceId },
      cancel_url: "http://localhost:3000/pricing?checkout=canceled",
    });
    expect(session.success_url).toContain(
      `http://localhost:3000/w/${user.workspaceSlug}/billing?checkout=success`,
    );
    // A monthly plan also carries its metered API-calls price, with no quantity of its own.
    expect(session.line_items?.data.map((line) => line.price?.lookup_key)).toEqual([
      "pro_monthly",
      "pro_api_calls",
    ]);

    expect((await payCheckout(t, url, CARDS.visa)).status).toBe(200);
    // Nothing is mirrored until something syncs: no webhook endpoint exists in this test.
    expect(await rowsOf(user.workspaceId)).toEqual([]);
    await expect(
      confirmCheckoutSession({
        db: t.db,
        stripe: t.stripe,
        workspaceId: user.workspaceId,
        sessionId,
      }),
    ).resolves.toEqual({ status: "complete", synced: true });

    const [row] = await rowsOf(user.workspaceId);
    expect(row).toMatchObject({ planTier: "pro", billingPeriod: "monthly", status: "trialing" });
    const [meteredPrice] = (await t.stripe.prices.list({ lookup_keys: ["pro_api_calls"] })).data;
    expect(row?.meteredPriceId).toBe(meteredPrice?.id);
    const trialDays = ((row?.trialEnd?.getTime() ?? 0) - (row?.trialStart?.getTime() ?? 0)) / 1000;
    expect(trialDays).toBe(14 * DAY);
    const entitlements = await getEntitlements(t.db, user.workspaceId);
    expect(entitlements).toMatchObject({ tier: "pro", status: "trialing", source: "subscription" });

    // The second checkout is refused: the same plan, and any other plan.
    const again = await checkout(user, { plan: "pro", period: "monthly" });
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe("already_on_plan");
    const other = await checkout(user, { plan: "enterprise", period: "yearly" });
    expect(other.status).toBe(409);
    expect(await errorOf(other)).toMatchObject({
      code: "subscription_exists",
      message: expect.stringContaining("Change your plan"),
    });
  });

  it("bills the workspace's members as seats: the plan's quantity is the member count", async () => {
    const owner = await createTestUser(t, "team-buyer");
    for (const name of ["first-mate", "second-mate"]) {
      const mate = await createTestUser(t, name);
      await insertMembership(t.db, {
        workspaceId: owner.workspaceId,
        userId: mate.id,
        role: "member",
      });
    }
    const url = await checkoutUrl(owner, "pro", "monthly");
    const session = await t.stripe.checkout.sessions.retrieve(checkoutSessionId(url), {
      expand: ["line_items"],
    });
    const plan = session.line_items?.data.find((line) => line.price?.lookup_key === "pro_monthly");
    expect(plan?.quantity).toBe(3);
    expect((await payCheckout(t, url)).status).toBe(200);
    const [subscription] = (
      await t.stripe.subscriptions.list({ customer: String(session.customer) })
    ).data;
    expect(
      subscription?.items.data.find((item) => item.price.lookup_key === "pro_monthly")?.quantity,
    ).toBe(3);
  });

  it("gives no trial to a user who had a subscription before", async () => {
    const user = await createTestUser(t, "returning");
    await givePastSubscription(t, user);
    const subscription = await subscribe(t, user, "pro", "yearly");
    expect(subscription).toMatchObject({ status: "active", trial_end: null });
    const current = (await rowsOf(user.workspaceId)).find((row) => row.status !== "canceled");
    expect(current).toMatchObject({ planTier: "pro", billingPeriod: "yearly", status: "active" });
    const invoices = await t.stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((invoice) => [invoice.status, invoice.amount_paid])).toEqual([
      ["paid", 290_00],
    ]);
  });

  it("refuses Free with 400 and a plan outside the catalog with 422", async () => {
    const user = await createTestUser(t, "free");
    const free = await checkout(user, { plan: "free", period: "monthly" });
    expect(free.status).toBe(400);
    expect((await errorOf(free)).code).toBe("plan_not_purchasable");
    const gold = await checkout(user, { plan: "gold", period: "monthly", price: "price_123" });
    expect(gold.status).toBe(422);
  });

  it("keeps only the newest checkout payable, so two tabs cannot make two subscriptions", async () => {
    const user = await createTestUser(t, "two-tabs");
    const first = await checkoutUrl(user, "pro", "monthly");
    const second = await checkoutUrl(user, "enterprise", "monthly");
    expect(checkoutSessionId(second)).not.toBe(checkoutSessionId(first));
    expect((await payCheckout(t, first)).status).toBe(400);
    expect((await payCheckout(t, second)).status).toBe(200);
    // A double submit of the same choice gets the same, still payable, session.
    const again = await createTestUser(t, "double-submit");
    const one = await checkoutUrl(again, "pro", "yearly");
    const two = await checkoutUrl(again, "pro", "yearly");
    expect(two).toBe(one);
    expect((await payCheckout(t, two)).status).toBe(200);
  });

  it("gives a new payable session when the same plan is chosen again after another one, within the minute", async () => {
    const user = await createTestUser(t, "back-and-forth");
    const pro = await checkoutUrl(user, "pro", "monthly");
    await checkoutUrl(user, "enterprise", "monthly");
    const proAgain = await checkoutUrl(user, "pro", "monthly");
    // The first Pro session was expired by the Enterprise one: the same key must not bring it back.
    expect(checkoutSessionId(proAgain)).not.toBe(checkoutSessionId(pro));
    expect((await payCheckout(t, proAgain)).status).toBe(200);
  });

  it("lets only one of two concurrent first checkouts stay payable", async () => {
    const user = await createTestUser(t, "racing-tabs");
    const responses = await Promise.all([
      checkout(user, { plan: "pro", period: "monthly" }),
      checkout(user, { plan: "enterprise", period: "yearly" }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    const urls = await Promise.all(
      responses.map(async (response) => ((await response.json()) as { url: string }).url),
    );
    const customerId = await getOrCreateCustomer({
      db: t.db,
      stripe: t.stripe,
      workspaceId: user.workspaceId,
    });
    const open = await t.stripe.checkout.sessions.list({ customer: customerId, status: "open" });
    expect(open.data).toHaveLength(1);
    const payable = urls.filter((url) => checkoutSessionId(url) === open.data[0]?.id);
    const stale = urls.filter((url) => checkoutSessionId(url) !== open.data[0]?.id);
    expect([payable.length, stale.length]).toEqual([1, 1]);
    expect((await payCheckout(t, stale[0] ?? "")).status).toBe(400);
    expect((await payCheckout(t, payable[0] ?? "")).status).toBe(200);
  });

  it("refuses another checkout while Stripe has a subscription the mirror has not caught up with", async () => {
    const user = await createTestUser(t, "late-webhook");
    expect((await payCheckout(t, await checkoutUrl(user, "pro", "monthly"))).status).toBe(200);
    // No webhook and no success page: the mirror knows nothing yet.
    expect(await rowsOf(user.workspaceId)).toEqual([]);

    const second = await checkout(user, { plan: "enterprise", period: "monthly" });
    expect(second.status).toBe(409);
    expect((await errorOf(second)).code).toBe("subscription_exists");
    expect(await rowsOf(user.workspaceId)).toMatchObject([{ planTier: "pro", status: "trialing" }]);
  });

  it("leaves no subscription when the card is declined", async () => {
    const user = await createTestUser(t, "declined");
    await givePastSubscription(t, user);
    const url = await checkoutUrl(user, "pro", "monthly");
    const paid = await payCheckout(t, url, CARDS.insufficientFunds);
    expect(paid.status).toBe(402);
    const sessionId = checkoutSessionId(url);
    await expect(
      confirmCheckoutSession({
        db: t.db,
        stripe: t.stripe,
        workspaceId: user.workspaceId,
        sessionId,
      }),
    ).resolves.toEqual({ status: "open", synced: false });
    const customerId = await getOrCreateCustomer({
      db: t.db,
      stripe: t.stripe,
      workspaceId: user.workspaceId,
    });
    const listed = await t.stripe.subscriptions.list({ customer: customerId, status: "all" });
    expect(listed.data).toEqual([]);
    expect((await rowsOf(user.workspaceId)).filter((row) => row.status !== "canceled")).toEqual([]);
    expect((await getEntitlements(t.db, user.workspaceId)).tier).toBe("free");
  });

  it("answers a plain HTML form with 303 to Checkout", async () => {
    const user = await createTestUser(t, "form");
    const response = await checkout(user, "plan=enterprise&period=monthly", {
      "content-type": "application/x-www-form-urlencoded",
      origin: "http://localhost:3000",
    });
    expect(response.status).toBe(303);
    const location = response.headers.get("location") ?? "";
    expect(location.startsWith(`${t.emulator.emu.url}/c/pay/cs_`)).toBe(true);
  });

  it("refuses a foreign origin with 403 before creating anything", async () => {
    const user = await createTestUser(t, "csrf");
    const response = await checkout(
      user,
      { plan: "pro", period: "monthly" },
      { origin: "https://evil.example" },
    );
    expect(response.status).toBe(403);
    expect(
      await t.db.select().from(customers).where(eq(customers.workspaceId, user.workspaceId)),
    ).toEqual([]);
  });

  it("answers 503 with Retry-After when Stripe fails, and 401 without a session", async () => {
    const user = await createTestUser(t, "outage");
    await t.emulator.control("POST", "/faults", { status: 503, count: 1 });
    const response = await checkout(user, { plan: "pro", period: "monthly" });
    expect(response.status).toBe(503);
    expect(await errorOf(response)).toEqual({
      code: "unavailable",
      message: "Billing is unavailable, try again shortly.",
    });
    expect(response.headers.get("retry-after")).toBe("5");
    // The next call goes through.
    expect((await checkout(user, { plan: "pro", period: "monthly" })).status).toBe(200);

    const anonymous = await checkoutRoute(
      new Request(`http://localhost:3000${api(user, "checkout")}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ plan: "pro", period: "monthly" }),
      }),
      withParams({ slug: user.workspaceSlug }),
    );
    expect(anonymous.status).toBe(401);
  });
});

describe("confirmCheckoutSession", () => {
  it("refuses another workspace's session as if it did not exist", async () => {
    const owner = await createTestUser(t, "owner");
    const intruder = await createTestUser(t, "intruder");
    await getOrCreateCustomer({ db: t.db, stripe: t.stripe, workspaceId: intruder.workspaceId });
    const url = await checkoutUrl(owner, "pro", "monthly");
    await payCheckout(t, url);
    const sessionId = checkoutSessionId(url);
    const attempt = confirmCheckoutSession({
      db: t.db,
      stripe: t.stripe,
      workspaceId: intruder.workspaceId,
      sessionId,
    });
    await expect(attempt).rejects.toMatchObject({ code: "not_found" });
    await expect(
      confirmCheckoutSession({
        db: t.db,
        stripe: t.stripe,
        workspaceId: owner.workspaceId,
        sessionId: "cs_nope",
      }),
    ).rejects.toBeInstanceOf(AppError);
    await expect(
      confirmCheckoutSession({
        db: t.db,
        stripe: t.stripe,
        workspaceId: owner.workspaceId,
        sessionId: "../x",
      }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect(await rowsOf(intruder.workspaceId)).toEqual([]);
    expect(await rowsOf(owner.workspaceId)).toEqual([]);
  });
});

describe("POST /api/workspaces/:slug/billing/portal", () => {
  function portal(user: TestUser, init: { body?: unknown; headers?: Record<string, string> } = {}) {
    return portalRoute(
      userRequest(user, api(user, "portal"), { method: "POST", ...init }),
      withParams({ slug: user.workspaceSlug }),
    );
  }

  it("answers 404 no_customer to a workspace that never checked out", async () => {
    const user = await createTestUser(t, "nocustomer");
    const response = await portal(user);
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe("no_customer");
  });

  it("opens the portal of the workspace's own customer only, whatever the body says, returning to its billing page", async () => {
    const alice = await createTestUser(t, "alice");
    const bob = await createTestUser(t, "bob");
    await getOrCreateCustomer({ db: t.db, stripe: t.stripe, workspaceId: alice.workspaceId });
    const bobCustomer = await getOrCreateCustomer({
      db: t.db,
      stripe: t.stripe,
      workspaceId: bob.workspaceId,
    });

    const response = await portal(alice, { body: { customer: bobCustomer } });
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    expect(url.startsWith(`${t.emulator.emu.url}/p/session/`)).toBe(true);
    const page = await (await fetch(url)).text();
    expect(page).toContain(alice.email);
    expect(page).not.toContain(bob.email);
    // Back from the portal to the workspace's billing page.
    expect(page).toContain(`href="http://localhost:3000/w/${alice.workspaceSlug}/billing"`);

    const form = await portal(alice, {
      body: "",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(303);
    expect(form.headers.get("location")?.startsWith(`${t.emulator.emu.url}/p/session/`)).toBe(true);
  });
});
