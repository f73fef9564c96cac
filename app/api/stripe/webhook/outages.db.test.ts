// The webhook secret of this file's tests; set before anything reads the configuration.
process.env.STRIPE_WEBHOOK_SECRET = "whsec_tollgate_webhook_outage_tests";

import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET as me } from "@/app/api/me/route";
import { type DatabaseHandle, openDatabase, provideDatabase } from "@/db";
import { customers, subscriptions, users, webhookEvents } from "@/db/schema";
import { provideStripe } from "@/lib/billing/stripe/client";
import { type BillingTest, createTestUser, useBillingTest } from "@/lib/testing/billing";
import { noParams, testRequest } from "@/lib/testing/http";
import { captureLog } from "@/lib/testing/log-capture";
import { type ProcessErrors, watchProcessErrors } from "@/lib/testing/process-errors";
import { startTcpProxy, type TcpProxy } from "@/lib/testing/tcp-proxy";
import { eventsAbout, subscribeInStripe, webhookDelivery } from "@/lib/testing/webhooks";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { clientFor } from "@/stripe-emulator/testing";
import { POST } from "./route";

const SECRET = "whsec_tollgate_webhook_outage_tests";
const EMAIL = "outage-customer@example.com";
const billing = useBillingTest();
const hooks = webhookDelivery(POST, billing, SECRET);
let db: BillingTest["db"];
/** An event about a linked customer with a Pro subscription; its payload carries EMAIL. */
let event: Stripe.Event;
let stripeSubscriptionId: string;

beforeAll(async () => {
  const { stripe } = billing;
  ({ db } = billing);
  const [user] = await db.insert(users).values({ email: EMAIL }).returning({ id: users.id });
  if (!user) throw new Error("no user");
  const workspaceId = (await ensurePersonalWorkspace(db, user.id)).id;
  const customer = await stripe.customers.create({ email: EMAIL, metadata: { workspaceId } });
  await db.insert(customers).values({ workspaceId, stripeCustomerId: customer.id });
  stripeSubscriptionId = (await subscribeInStripe(stripe, customer.id)).id;
  const found = (await eventsAbout(stripe, customer.id)).find(
    (candidate) => candidate.type === "invoice.paid",
  );
  if (!found) throw new Error("no invoice.paid event");
  event = found;
  expect(JSON.stringify(event)).toContain(EMAIL);
}, 60_000);

beforeEach(async () => {
  await db.delete(subscriptions);
  await db.delete(webhookEvents);
});

afterEach(() => {
  provideStripe(billing.stripe);
});

async function ledgerRow() {
  const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
  return row;
}

async function mirroredCount(): Promise<number> {
  return (
    await db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, stripeSubscriptionId))
  ).length;
}

/**
 * Delivers the event while Stripe fails the job's first fetch: the route acknowledges it, the
 * failure is recorded on the ledger (and logged with its reason), and the job's retry applies
 * it once; a redelivery afterwards is a duplicate.
 */
async function expectFailureThenRetryAppliedOnce(reason: RegExp): Promise<void> {
  const captured = captureLog("debug");
  let delivered: Awaited<ReturnType<typeof hooks.deliver>>;
  try {
    delivered = await hooks.deliver(event);
  } finally {
    captured.restore();
  }
  expect(delivered).toEqual({ status: 200, outcome: "processed" });
  const failures = captured
    .lines()
    .filter((line) => line.msg === "stripe events could not be applied");
  expect(failures).toHaveLength(1);
  expect(String(failures[0]?.reason)).toMatch(reason);
  expect(await ledgerRow()).toMatchObject({ status: "processed", attempts: 2, lastError: null });
  expect(await mirroredCount()).toBe(1);
  expect(await hooks.deliver(event)).toEqual({ status: 200, outcome: "duplicate" });
}

describe("a Stripe outage while an event is applied", () => {
  for (const status of [500, 503] as const) {
    it(`acknowledges the event, records Stripe's ${status} on the ledger, and the job's retry applies it once`, async () => {
      await billing.emulator.control("POST", "/faults", { status, count: 1 });
      await expectFailureThenRetryAppliedOnce(/error occurred on Stripe's end/);
    });
  }

  it("acknowledges the event, records Stripe's timeout on the ledger, and the job's retry applies it once", async () => {
    provideStripe(
      clientFor(billing.emulator.emu, billing.emulator.emu.secretKey, { timeout: 200 }),
    );
    await billing.emulator.control("POST", "/faults", { hangMs: 1_000, count: 1 });
    await expectFailureThenRetryAppliedOnce(/timeout/i);
  });

  it("keeps the event failed on the ledger while Stripe stays unreachable, with the reason", async () => {
    // Nothing listens on the discard port: every request is refused.
    provideStripe(clientFor(billing.emulator.emu, billing.emulator.emu.secretKey, { port: 9 }));
    expect(await hooks.deliver(event)).toEqual({ status: 200, outcome: "failed" });
    const failed = await ledgerRow();
    expect(failed?.lastError).toMatch(/connection to Stripe/i);
    expect(failed?.attempts).toBeGreaterThan(1);
    expect(await mirroredCount()).toBe(0);
  });
});

describe("what the pipeline logs", () => {
  it("logs the event's id and the cause, never the event or the customer's email, when the ledger insert fails", async () => {
    // The database refuses the ledger's insert, as during an outage.
    await db.execute(
      sql`create or replace function tollgate_test_refuse() returns trigger as $$ begin raise exception 'the ledger is unavailable'; end $$ language plpgsql`,
    );
    await db.execute(
      sql`create trigger tollgate_test_refuse before insert on webhook_events for each row execute function tollgate_test_refuse()`,
    );
    const captured = captureLog("debug");
    let answer: Response;
    try {
      answer = await POST(hooks.request(JSON.stringify(event)));
    } finally {
      captured.restore();
      await db.execute(sql`drop trigger tollgate_test_refuse on webhook_events`);
    }
    expect(answer.status).toBe(500);
    const body = await answer.text();
    expect(body).not.toContain(EMAIL);

    const text = captured.text();
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(stripeSubscriptionId);
    expect(text).not.toContain('"data"');
    expect(text.length).toBeLessThan(2_000);
    expect(captured.lines()).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: "stripe webhook failed",
        eventId: event.id,
        type: "invoice.paid",
        outcome: "failed",
        reason: "the ledger is unavailable",
      }),
    );
    expect(await ledgerRow()).toBeUndefined();
    // Stripe's redelivery, once the database is back.
    expect(await hooks.deliver(event)).toEqual({ status: 200, outcome: "processed" });
  });

  it("logs one line per event with its id, type and outcome, and nothing of its payload", async () => {
    const captured = captureLog("debug");
    try {
      await hooks.deliver(event);
      await hooks.deliver(event);
    } finally {
      captured.restore();
    }
    const webhookLines = captured.lines().filter((line) => line.msg === "stripe webhook");
    expect(webhookLines.map((line) => [line.eventId, line.outcome])).toEqual([
      [event.id, "pending"],
      [event.id, "duplicate"],
    ]);
    expect(captured.text()).not.toContain(EMAIL);
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The app's database is reached through a TCP proxy the test cuts: a Postgres server's only.
describe.runIf(process.env.DATABASE_URL)(
  "a database outage while webhooks, health checks and API calls arrive",
  () => {
    let proxy: TcpProxy;
    let proxied: DatabaseHandle;
    let cookie: string;
    let errors: ProcessErrors;

    beforeAll(async () => {
      const { location } = billing.handle;
      const server = new URL(location);
      proxy = await startTcpProxy({
        targetHost: server.hostname,
        targetPort: Number(server.port || 5432),
      });
      proxied = await openDatabase({ url: proxy.rewriteUrl(location), migrate: false });
      provideDatabase(proxied);
      ({ cookie } = await createTestUser(billing, "outage"));
    });

    afterAll(async () => {
      provideDatabase(billing.handle);
      await proxied?.close();
      await proxy?.close();
    });

    beforeEach(() => {
      errors = watchProcessErrors();
    });

    afterEach(() => {
      proxy.restore();
      errors.stop();
    });

    type Route = "health" | "me" | "webhook";
    interface Answer {
      route: Route;
      status: number;
      ms: number;
      retryAfter: string | null;
      body: unknown;
    }

    async function ask(route: Route): Promise<Answer> {
      const started = performance.now();
      const response =
        route === "health"
          ? await health()
          : route === "me"
            ? await me(testRequest("/api/me", { cookie }), noParams())
            : await POST(hooks.request(JSON.stringify(event)));
      const body: unknown = await response.json();
      const ms = performance.now() - started;
      return {
        route,
        status: response.status,
        ms,
        retryAfter: response.headers.get("retry-after"),
        body,
      };
    }

    /** Two requests to each route at once. */
    const wave = () =>
      Promise.all(
        (["health", "me", "webhook"] as const).flatMap((route) => [ask(route), ask(route)]),
      );

    function expectRefusedInTime(answer: Answer): void {
      expect(answer.ms).toBeLessThan(2_500);
      if (answer.route === "webhook") {
        // Any 5xx makes Stripe deliver the event again.
        expect(answer.status).toBeGreaterThanOrEqual(500);
        return;
      }
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
      if (answer.route === "me") {
        expect(answer.body).toEqual({
          error: {
            code: "unavailable",
            message: "The database is unavailable. Please try again shortly.",
          },
        });
      }
    }

    for (const mode of ["refuse", "blackhole"] as const) {
      it(`answers 5xx within 2.5 s while the database is cut off (${mode}), and 200 within 3 s of its return`, async () => {
        for (const answer of await wave()) expect(answer.status).toBe(200);

        // Some requests are mid-way (in a transaction, say) when the line is cut.
        const inFlight = wave();
        await sleep(30);
        proxy.cut(mode);
        for (const answer of await inFlight) expect(answer.ms).toBeLessThan(2_500);

        for (let round = 0; round < 4; round += 1) {
          for (const answer of await wave()) expectRefusedInTime(answer);
          await sleep(400);
        }

        const restoredAt = performance.now();
        proxy.restore();
        let answers = await wave();
        while (!answers.every((answer) => answer.status === 200)) {
          expect(performance.now() - restoredAt).toBeLessThan(3_000);
          await sleep(100);
          answers = await wave();
        }
        for (const answer of await wave()) expect(answer.status).toBe(200);
        expect(errors.seen).toEqual([]);
      }, 30_000);
    }
  },
);
