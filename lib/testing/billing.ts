/**
 * Test support for the billing routes: a database and a Stripe emulator of the test file's own,
 * handed to the app (`provideDatabase`, `provideStripe`), with the plan catalog synced into the
 * emulator; users; and the browser's part of Checkout done through the emulator's control API.
 * One emulator per test file: its wall clock is shared by everything in it.
 */
import type Stripe from "stripe";
import { type DatabaseHandle, provideDatabase } from "@/db";
import { type NewSubscription, subscriptions, type UserRole, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { syncCheckoutSession } from "@/lib/billing/service/sync-checkout-session";
import { provideStripe } from "@/lib/billing/stripe";
import { syncStripeCatalog } from "@/lib/billing/stripe-sync";
import { startTestEmulator, type TestEmulator } from "@/stripe-emulator/testing";
import { sessionCookie, TEST_ORIGIN, type TestRequestInit, testRequest } from "./http";

export const CARDS = {
  visa: "4242424242424242",
  /** Attaches; every charge fails. */
  chargeFails: "4000000000000341",
  /** Declined with insufficient_funds wherever it is presented. */
  insufficientFunds: "4000000000009995",
} as const;

export interface BillingTest {
  db: DatabaseHandle["db"];
  stripe: Stripe;
  emulator: TestEmulator;
  close(): Promise<void>;
}

export async function startBillingTest(): Promise<BillingTest> {
  const handle = await createTestDatabase();
  provideDatabase(handle);
  const emulator = await startTestEmulator();
  provideStripe(emulator.stripe);
  await syncStripeCatalog(emulator.stripe, { frontendUrl: TEST_ORIGIN });
  return {
    db: handle.db,
    stripe: emulator.stripe,
    emulator,
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
  return { id: row.id, email, role, cookie: await sessionCookie({ id: row.id, role }) };
}

/** A canceled subscription in the user's past: enough to use up their trial. */
export async function givePastSubscription(t: BillingTest, user: TestUser): Promise<void> {
  const row: NewSubscription = {
    userId: user.id,
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

/**
 * Checkout through the route, paid with `card`, then the success page's sync: the user ends up
 * with a subscription mirrored in Postgres. Returns the Stripe subscription.
 */
export async function subscribe(
  t: BillingTest,
  user: TestUser,
  plan: "pro" | "enterprise",
  period: "monthly" | "yearly",
  checkoutRoute: (
    request: Request,
    context: { params: Promise<Record<string, never>> },
  ) => Promise<Response>,
): Promise<Stripe.Subscription> {
  const response = await checkoutRoute(
    userRequest(user, "/api/billing/checkout", { body: { plan, period } }),
    { params: Promise.resolve({}) },
  );
  if (response.status !== 200) {
    throw new Error(`checkout answered ${response.status}: ${await response.text()}`);
  }
  const { url } = (await response.json()) as { url: string };
  const paid = await payCheckout(t, url);
  if (paid.status !== 200) throw new Error(`payment failed: ${JSON.stringify(paid.body)}`);
  const sessionId = checkoutSessionId(url);
  await syncCheckoutSession({ db: t.db, stripe: t.stripe, userId: user.id, sessionId });
  const session = await t.stripe.checkout.sessions.retrieve(sessionId);
  return t.stripe.subscriptions.retrieve(String(session.subscription));
}
