import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryAttempt } from "./state";
import { startTestEmulator, type TestEmulator } from "./testing";

interface Received {
  body: string;
  signature: string;
  event: Stripe.Event;
}

let t: TestEmulator;
let server: Server;
let url = "";
const received: Received[] = [];
/** What the receiver answers next; each call takes one from the front, then 200. */
let answers: Array<number | "hang"> = [];

beforeAll(async () => {
  t = await startTestEmulator();
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({
        body,
        signature: String(request.headers["stripe-signature"]),
        event: JSON.parse(body) as Stripe.Event,
      });
      const answer = answers.shift() ?? 200;
      if (answer === "hang") return;
      response.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
});
afterEach(async () => {
  await t.control("POST", "/switches", {
    duplicates: 1,
    shuffle: false,
    delayMs: 0,
    failFirstAttempts: 0,
  });
  for (const endpoint of (await t.stripe.webhookEndpoints.list()).data)
    await t.stripe.webhookEndpoints.del(endpoint.id);
  answers = [];
  received.length = 0;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

async function endpoint(
  events: Stripe.WebhookEndpointCreateParams.EnabledEvent[] = [
    "customer.created",
    "customer.updated",
  ],
) {
  const created = await t.stripe.webhookEndpoints.create({ url, enabled_events: events });
  expect(created.secret).toMatch(/^whsec_/);
  return { id: created.id, secret: created.secret ?? "" };
}

async function deliveries(event?: string): Promise<DeliveryAttempt[]> {
  await t.control("POST", "/deliveries/flush");
  const { body } = await t.control<{ data: DeliveryAttempt[] }>(
    "GET",
    `/deliveries${event ? `?event=${event}` : ""}`,
  );
  return body.data;
}

async function lastEventId(type: string): Promise<string> {
  return (await t.stripe.events.list({ type, limit: 1 })).data[0]?.id ?? "";
}

describe("webhook delivery", () => {
  it("signs each delivery so that stripe.webhooks.constructEvent accepts it", async () => {
    const { secret } = await endpoint();
    const customer = await t.stripe.customers.create({ email: "hook@example.com" });
    await deliveries();
    expect(received).toHaveLength(1);
    const [delivery] = received;
    if (!delivery) throw new Error("no delivery");
    const event = t.stripe.webhooks.constructEvent(delivery.body, delivery.signature, secret);
    expect(event.type).toBe("customer.created");
    expect((event.data.object as Stripe.Customer).id).toBe(customer.id);
    expect(event).toMatchObject({
      object: "event",
      api_version: "2026-10-28.endive",
      livemode: false,
    });
    expect(event.request?.id).toMatch(/^req_/);
  });

  it("fails verification for a tampered body, another secret or re-serialised JSON, and signs with the current time", async () => {
    const { secret } = await endpoint();
    await t.stripe.customers.create({ email: "tamper@example.com" });
    await deliveries();
    const [delivery] = received;
    if (!delivery) throw new Error("no delivery");
    const verify = (body: string, signature: string, key: string, tolerance?: number) => () =>
      t.stripe.webhooks.constructEvent(body, signature, key, tolerance);
    expect(
      verify(delivery.body.replace("tamper@", "tamper2@"), delivery.signature, secret),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(verify(delivery.body, delivery.signature, "whsec_other")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(verify(JSON.stringify(JSON.parse(delivery.body)), delivery.signature, secret)).toThrow();
    const timestamp = Number(/t=(\d+)/.exec(delivery.signature)?.[1]);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
  });

  it("sends only the event types an endpoint enabled", async () => {
    await endpoint(["customer.updated"]);
    const customer = await t.stripe.customers.create({ email: "only@example.com" });
    await t.stripe.customers.update(customer.id, { name: "Only" });
    await deliveries();
    expect(received.map((delivery) => delivery.event.type)).toEqual(["customer.updated"]);
    expect(received[0]?.event.data.previous_attributes).toEqual({ name: null });
  });

  it("retries a failed delivery with backoff and logs every attempt", async () => {
    await endpoint();
    answers = [500, 503];
    await t.stripe.customers.create({ email: "retry@example.com" });
    const id = await lastEventId("customer.created");
    const attempts = await deliveries(id);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.ok])).toEqual([
      [1, 500, false],
      [2, 503, false],
      [3, 200, true],
    ]);
    const [first, second, third] = attempts;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(50);
    expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(100);
    expect((await t.stripe.events.retrieve(id)).pending_webhooks).toBe(0);
  });

  it("retries a delivery that times out", async () => {
    await endpoint();
    answers = ["hang"];
    await t.stripe.customers.create({ email: "slow@example.com" });
    const attempts = await deliveries(await lastEventId("customer.created"));
    expect(attempts[0]).toMatchObject({ ok: false, error: "timed out" });
    expect(attempts.at(-1)).toMatchObject({ ok: true, status: 200 });
  });

  it("gives up after the last retry", async () => {
    await endpoint();
    answers = [500, 500, 500, 500];
    await t.stripe.customers.create({ email: "never@example.com" });
    const id = await lastEventId("customer.created");
    const attempts = await deliveries(id);
    expect(attempts).toHaveLength(4);
    expect(attempts.every((attempt) => !attempt.ok)).toBe(true);
    expect((await t.stripe.events.retrieve(id)).pending_webhooks).toBe(1);
  });

  it("duplicates, delays and fails first attempts when the switches say so", async () => {
    await endpoint();
    await t.control("POST", "/switches", { duplicates: 3, failFirstAttempts: 1, delayMs: 30 });
    const before = Date.now();
    await t.stripe.customers.create({ email: "dup@example.com" });
    const id = await lastEventId("customer.created");
    const attempts = await deliveries(id);
    expect(attempts.filter((attempt) => attempt.ok)).toHaveLength(3);
    expect(
      attempts.filter((attempt) => !attempt.ok).every((attempt) => attempt.status === null),
    ).toBe(true);
    expect(Math.min(...attempts.map((attempt) => attempt.at))).toBeGreaterThanOrEqual(before + 30);
    expect(received.map((delivery) => delivery.event.id)).toEqual([id, id, id]);
  });

  it("shuffles deliveries that are due together", async () => {
    await endpoint();
    await t.control("POST", "/switches", { shuffle: true, delayMs: 50 });
    const created: string[] = [];
    for (let i = 0; i < 12; i++)
      created.push((await t.stripe.customers.create({ email: `s${i}@example.com` })).id);
    await deliveries();
    const order = received.map((delivery) => (delivery.event.data.object as Stripe.Customer).id);
    expect([...order].sort()).toEqual([...created].sort());
    expect(order).not.toEqual(created);
  });

  it("refuses bad switch values with a message", async () => {
    const answer = await t.control<{ error: { message: string } }>("POST", "/switches", {
      duplicates: -1,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/duplicates/);
  });
});
