import type Stripe from "stripe";
import type { Database } from "@/db";
import type { HandledWebhookEvent } from "../webhook-events";

export type EventOf<T extends HandledWebhookEvent> = Extract<Stripe.Event, { type: T }>;
export type ObjectOf<T extends HandledWebhookEvent> = EventOf<T>["data"]["object"];

/**
 * What Tollgate does with one event type. Every handled event re-syncs the customer it is
 * about (lib/billing/sync.ts: a fresh fetch, written under a version guard), which makes the
 * outcome independent of delivery order and duplicates; `apply` adds what the event alone
 * tells, in the same transaction.
 */
export interface WebhookHandler<T extends HandledWebhookEvent = HandledWebhookEvent> {
  /** The Stripe customer whose state the event changes; null when it names none. */
  customerOf(object: ObjectOf<T>): string | null;
  apply?(db: Database, event: EventOf<T>): Promise<void>;
}

export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

export function handler<T extends HandledWebhookEvent>(
  _type: T,
  definition: WebhookHandler<T>,
): WebhookHandler<T> {
  return definition;
}
