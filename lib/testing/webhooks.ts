/**
 * Test support for the webhook route: events signed as Stripe signs them (with the test file's
 * endpoint secret) and delivered to the real route handler, and the emulator's events about
 * one customer.
 */
import type Stripe from "stripe";
import { TEST_ORIGIN } from "./http";

export interface WebhookDelivery {
  /** A POST with `payload` signed by `secret` now; `header` replaces the signature (null: none). */
  request(payload: string, header?: string | null): Request;
  /** Delivers the event as Stripe would; the answer's status and the pipeline's outcome. */
  deliver(event: Stripe.Event): Promise<{ status: number; outcome?: string }>;
}

export function webhookDelivery(
  route: (request: Request) => Promise<Response>,
  stripe: Stripe,
  secret: string,
): WebhookDelivery {
  const request = (payload: string, header?: string | null) => {
    const headers = new Headers({ "content-type": "application/json" });
    const signature =
      header === undefined ? stripe.webhooks.generateTestHeaderString({ payload, secret }) : header;
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
      const body = (await response.json()) as { outcome?: string };
      return { status: response.status, outcome: body.outcome };
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
