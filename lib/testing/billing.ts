/**
 * Test support for billing: a database and a Stripe emulator of the test file's own, handed to
 * the app (`provideDatabase`, `provideStripe`), with the plan catalog pushed into the emulator
 * (`useBillingTest`); users; and the browser's part of Checkout done through the emulator's
 * control API. One emulator per test file: its wall clock is shared by everything in it.
 */
import type Stripe from "stripe";
import { afterAll, beforeAll, onTestFinished } from "vitest";
import { type DatabaseHandle, provideDatabase } from "@/db";
import { type NewSubscription, subscriptions, type UserRole, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { startCheckout } from "@/lib/billing/service/checkout";
import { confirmCheckoutSession } from "@/lib/billing/service/confirm-checkout";
import { setUpStripe } from "@/lib/billing/service/set-up-stripe";
import { getStripe, provideStripe } from "@/lib/billing/stripe/client";
import type { WorkerReport } from "@/lib/jobs/worker";
import { hitRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { startTestEmulator, type TestEmulator } from "@/stripe-emulator/testing";
import { sessionCookie, TEST_ORIGIN, type TestRequestInit, testRequest } from "./http";
import { runQueuedJobs } from "./jobs";

export const CARDS = {
  visa: "4242424242424242",
  /** Attaches; every charge fails. */
  chargeFails: "4000000000000341",
  /** Declined with insufficient_funds wherever it is presented. */
  insufficientFunds: "4000000000009995",
} as const;

export interface BillingTest {
  db: DatabaseHandle["db"];
  /** The database `db` belongs to (its `location` is the URL of a Postgres test database). */
  handle: DatabaseHandle;
  stripe: Stripe;
  emulator: TestEmulator;
  /** Runs every job the app has queued (webhook events, reconcile…), as a worker would. */
  runJobs(): Promise<WorkerReport>;
  close(): Promise<void>;
}

/**
 * Gives the test file its billing world: started before its tests (`beforeAll`), closed after
 * them (`afterAll`). The fields can be read once the tests run, not while the file loads.
 */
export function useBillingTest(): BillingTest {
  let started: BillingTest | null = null;
  const current = (): BillingTest => {
    if (!started) throw new Error("the billing test is not started: read it inside a test or hook");
    return started;
  };
  beforeAll(async () => {
    started = await startBillingTest();
  }, 60_000);
  afterAll(async () => {
    await started?.close();
  });
  return {
    get db() {
      return current().db;
    },
    get handle() {
      return current().handle;
    },
    get stripe() {
      return current().stripe;
    },
    get emulator() {
      return current().emulator;
    },
    runJobs: () => current().runJobs(),
    close: () => current().close(),
  };
}

async function startBillingTest(): Promise<BillingTest> {
  const handle = await createTestDatabase();
  provideDatabase(handle);
  const emulator = await startTestEmulator();
  provideStripe(emulator.stripe);
  await setUpStripe(emulator.stripe, { frontendUrl: TEST_ORIGIN });
  return {
    db: handle.db,
    handle,
    stripe: emulator.stripe,
    emulator,
    // The process-wide client: a test that swaps it (provideStripe) has its jobs use it too.
    runJobs: () => runQueuedJobs(handle, getStripe()),
    close: async () => {
      await emulator.close();
      await handle.close();
    },
  };
}

export interface TestUser {
  id: string;
  email: string;
  role: UserRole;
  cookie: string;
  /** The user's personal workspace, which owns their billing. */
  workspaceId: string;
  workspaceSlug: string;
}

let sequence = 0;

export async function createTestUser(
  t: BillingTest,
  name: string,
  role: UserRole = "user",
): Promise<TestUser> {
  sequence += 1;
  const email = `${name}-${sequence}@example.com`;
  const [row] = await t.db.insert(users).values({ email, name, role }).returning();
  if (!row) throw new Error("user not inserted");
  const workspace = await ensurePersonalWorkspace(t.db, row.id);
  return {
    id: row.id,
    email,
    role,
    cookie: await sessionCookie({ id: row.id, role }),
    workspaceId: workspace.id,
    workspaceSlug: workspace.slug,
  };
}

/** A canceled subscription in the user's workspace's past: enough to use up its trial. */
export async function givePastSubscription(t: BillingTest, user: TestUser): Promise<void> {
  const row: NewSubscription = {
    workspaceId: user.workspaceId,
    stripeSubscriptionId: `sub_past_${user.id}`,
    stripeCustomerId: `cus_past_${user.id}`,
    planTier: "pro",
    billingPeriod: "monthly",
    status: "canceled",
    endedAt: new Date(Date.now() - 90 * 86_400_000),
    createdAt: new Date(Date.now() - 200 * 86_400_000),
  };
  await t.db.insert(subscriptions).values(row);
}

/** A request as the user's browser sends it: session cookie, and JSON unless told otherwise. */
export function userRequest(user: TestUser, path: string, init: TestRequestInit = {}): Request {
  return testRequest(path, { ...init, cookie: user.cookie });
}

/** The Checkout session id in a Checkout URL (`…/c/pay/cs_…`). */
export function checkoutSessionId(url: string): string {
  const id = new URL(url).pathname.split("/").at(-1);
  if (!id?.startsWith("cs_")) throw new Error(`not a checkout URL: ${url}`);
  return id;
}

/** Pays a Checkout session as the hosted page would; the control API's status and body. */
export function payCheckout(t: BillingTest, url: string, card: string = CARDS.visa) {
  return t.emulator.control<{ status?: string; error?: { message?: string } }>(
    "POST",
    `/checkout/${checkoutSessionId(url)}/pay`,
    { card },
  );
}

/** A Checkout session for the plan started through the one door (`startCheckout`); its URL. */
export async function startTestCheckout(
  t: BillingTest,
  user: TestUser,
  plan: "pro" | "enterprise",
  period: "monthly" | "yearly",
): Promise<string> {
  const checkout = await startCheckout({
    db: t.db,
    stripe: t.stripe,
    workspaceId: user.workspaceId,
    workspaceSlug: user.workspaceSlug,
    choice: { plan, period },
  });
  if (!checkout.started) throw new Error(`checkout not started: ${checkout.error.message}`);
  return checkout.url;
}

/**
 * Checkout, paid with a Visa card, then the success page's confirmation: the user ends up with
 * a subscription mirrored in Postgres. Returns the Stripe subscription.
 */
export async function subscribe(
  t: BillingTest,
  user: TestUser,
  plan: "pro" | "enterprise",
  period: "monthly" | "yearly",
): Promise<Stripe.Subscription> {
  const url = await startTestCheckout(t, user, plan, period);
  const paid = await payCheckout(t, url);
  if (paid.status !== 200) throw new Error(`payment failed: ${JSON.stringify(paid.body)}`);
  const sessionId = checkoutSessionId(url);
  await confirmCheckoutSession({
    db: t.db,
    stripe: t.stripe,
    workspaceId: user.workspaceId,
    sessionId,
  });
  const session = await t.stripe.checkout.sessions.retrieve(sessionId);
  return t.stripe.subscriptions.retrieve(String(session.subscription));
}

/** Uses up the user's workspace's billing rate limit for the current window. */
export async function exhaustBillingLimit(t: BillingTest, user: TestUser): Promise<void> {
  for (let hit = 0; hit < RATE_LIMITS.billing.limit; hit++) {
    await hitRateLimit(t.db, RATE_LIMITS.billing, user.workspaceId);
  }
}

/** Every request `stripe` sends from now until the test ends, by method and path. */
export function stripeRequests(stripe: Stripe): string[] {
  const seen: string[] = [];
  const listener = (event: Stripe.RequestEvent) => seen.push(`${event.method} ${event.path}`);
  stripe.on("request", listener);
  onTestFinished(() => {
    stripe.off("request", listener);
  });
  return seen;
}
