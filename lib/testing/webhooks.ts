/**
 * Test support for the webhook route: events signed as Stripe signs them (with the test file's
 * endpoint secret) and delivered to the real route handler; the emulator's events about one
 * customer; subscriptions made in Stripe behind the app's back, which the app learns of by
 * webhook only; and ledger rows as an earlier delivery left them.
 */
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "@/db";
import { customers, type NewWebhookEvent, users, webhookEvents } from "@/db/schema";
import { customerIdOf } from "@/lib/billing/mirror/ingest-event";
import { fromUnixSeconds } from "@/lib/format/date";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { TEST_ORIGIN } from "./http";

export interface WebhookDelivery {
  /** A POST with `payload` signed by `secret` now; `header` replaces the signature (null: none). */
  request(payload: string, header?: string | null): Request;
  /**
   * Delivers the event as Stripe would, then runs the jobs the app queued; the answer's status
   * and what became of the event: `duplicate` when the route found it applied already, else
   * its ledger status once the jobs ran (processed, ignored, unlinked or failed).
   */
  deliver(event: Stripe.Event): Promise<{ status: number; outcome?: string }>;
}

/**
 * Deliveries to `route` signed by `secret` (the test file's own). `billing` is read at each
 * delivery, so the test file's `useBillingTest()` can be passed before it has started.
 */
export function webhookDelivery(
  route: (request: Request) => Promise<Response>,
  billing: { readonly stripe: Stripe; readonly db: Database; runJobs(): Promise<unknown> },
  secret: string,
): WebhookDelivery {
  const request = (payload: string, header?: string | null) => {
    const headers = new Headers({ "content-type": "application/json" });
    const signature =
      header === undefined
        ? billing.stripe.webhooks.generateTestHeaderString({ payload, secret })
        : header;
    if (signature !== null) headers.set("stripe-signature", signature);
    return new Request(`${TEST_ORIGIN}/api/stripe/webhook`, {
      method: "POST",
      headers,
      body: payload,
    });
  };
  return {
    request,
    async deliver(event) {
      const response = await route(request(JSON.stringify(event)));
      const body = (await response.json()) as { duplicate?: boolean; outcome?: string };
      if (response.status !== 200) return { status: response.status };
      if (body.duplicate && body.outcome !== "pending")
        return { status: 200, outcome: "duplicate" };
      await billing.runJobs();
      const [row] = await billing.db
        .select({ status: webhookEvents.status })
        .from(webhookEvents)
        .where(eq(webhookEvents.id, event.id));
      return { status: 200, outcome: row?.status };
    },
  };
}

/** Every event the emulator made about `customer` (its own or its objects'), oldest first. */
export async function eventsAbout(stripe: Stripe, customer: string): Promise<Stripe.Event[]> {
  const all: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) all.push(event);
  return all.reverse().filter((event) => {
    const object = event.data.object as { customer?: unknown; id?: string };
    return object.customer === customer || object.id === customer;
  });
}

/** A subscription to the price `lookupKey` made straight through Stripe's API, paid by Visa. */
export async function subscribeInStripe(
  stripe: Stripe,
  customer: string,
  lookupKey = "pro_yearly",
): Promise<Stripe.Subscription> {
  const card = await stripe.paymentMethods.attach("pm_card_visa", { customer });
  const [price] = (await stripe.prices.list({ lookup_keys: [lookupKey] })).data;
  if (!price) throw new Error(`no price ${lookupKey}: is the catalog synced?`);
  return stripe.subscriptions.create({
    customer,
    items: [{ price: price.id }],
    default_payment_method: card.id,
  });
}

/**
 * A user (with their personal workspace) and a Stripe customer subscribed to `lookupKey` in
 * Stripe, whose webhooks never reached the app. The customer names the workspace in
 * `metadata.workspaceId`, or (`knownBy: "link"`) carries no metadata and is linked to the
 * workspace in `customers` instead.
 */
export async function subscriberWithoutWebhooks(
  db: Database,
  stripe: Stripe,
  email: string,
  { lookupKey, knownBy = "metadata" }: { lookupKey?: string; knownBy?: "metadata" | "link" } = {},
): Promise<{
  userId: string;
  workspaceId: string;
  customerId: string;
  subscription: Stripe.Subscription;
}> {
  const [user] = await db.insert(users).values({ email }).returning({ id: users.id });
  if (!user) throw new Error("no user");
  const workspace = await ensurePersonalWorkspace(db, user.id);
  const customer = await stripe.customers.create({
    email,
    ...(knownBy === "metadata" ? { metadata: { workspaceId: workspace.id } } : {}),
  });
  if (knownBy === "link") {
    await db.insert(customers).values({ workspaceId: workspace.id, stripeCustomerId: customer.id });
  }
  const subscription = await subscribeInStripe(stripe, customer.id, lookupKey);
  return { userId: user.id, workspaceId: workspace.id, customerId: customer.id, subscription };
}

/** Writes `event` to the ledger as an earlier delivery left it (`status`, attempts, error). */
export async function putInLedger(
  db: Database,
  event: Stripe.Event,
  row: Pick<NewWebhookEvent, "status" | "attempts" | "lastError" | "stripeCustomerId">,
): Promise<void> {
  await db.insert(webhookEvents).values({
    id: event.id,
    type: event.type,
    created: fromUnixSeconds(event.created),
    payload: event,
    // As the webhook route writes it.
    stripeCustomerId: customerIdOf(event),
    objectId: (event.data.object as { id?: string }).id ?? null,
    ...row,
  });
}
