import "server-only";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { WEBHOOK_EVENT_STATUSES, type WebhookEventStatus, webhookEvents } from "@/db/schema";
import { keyset } from "@/lib/http/cursor";

/**
 * The admin view of the webhook ledger: a keyset-paginated list, newest first. Replaying one
 * stored event is the mirror's (lib/billing/mirror/replay-event.ts).
 */

export const WEBHOOK_EVENTS_PAGE_SIZE = 50;

export interface WebhookEventListItem {
  id: string;
  type: string;
  status: WebhookEventStatus;
  attempts: number;
  lastError: string | null;
  stripeCustomerId: string | null;
  /** Stripe's `created` for the event. */
  created: Date;
  receivedAt: Date;
  processedAt: Date | null;
}

export interface WebhookEventPage {
  events: WebhookEventListItem[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * Walks `webhook_events_received_idx` (received_at desc), or `webhook_events_status_received_idx`
 * (status, received_at desc) for one status; ties on the timestamp are sorted by id.
 */
const LEDGER = keyset({ time: webhookEvents.receivedAt, id: webhookEvents.id }, "key");

/** The page's query string: an optional status filter and an optional cursor. */
export const webhookEventsQuerySchema = z.object({
  status: z.enum(WEBHOOK_EVENT_STATUSES).optional(),
  cursor: LEDGER.schema.optional(),
});

export type WebhookEventsQuery = z.output<typeof webhookEventsQuerySchema>;

/**
 * Reads the query string of the webhook events page: repeated parameters and unknown ones are
 * ignored (the first value wins); null when the status or the cursor is not valid.
 */
export function parseWebhookEventsQuery(
  params: Record<string, string | string[] | undefined>,
): WebhookEventsQuery | null {
  const first = (value: string | string[] | undefined) =>
    (Array.isArray(value) ? value[0] : value) || undefined;
  const parsed = webhookEventsQuerySchema.safeParse({
    status: first(params.status),
    cursor: first(params.cursor),
  });
  return parsed.success ? parsed.data : null;
}

/**
 * One page of the ledger, newest first (ties on `received_at` broken by id), optionally of one
 * status. Consecutive pages neither repeat nor skip an event, however many share a timestamp.
 */
export async function listWebhookEvents(
  db: Database,
  {
    status,
    cursor,
    limit = WEBHOOK_EVENTS_PAGE_SIZE,
  }: WebhookEventsQuery & { limit?: number } = {},
): Promise<WebhookEventPage> {
  const rows = await db
    .select({
      id: webhookEvents.id,
      type: webhookEvents.type,
      status: webhookEvents.status,
      attempts: webhookEvents.attempts,
      lastError: webhookEvents.lastError,
      stripeCustomerId: webhookEvents.stripeCustomerId,
      created: webhookEvents.created,
      receivedAt: webhookEvents.receivedAt,
      processedAt: webhookEvents.processedAt,
      ...LEDGER.columns,
    })
    .from(webhookEvents)
    .where(and(status ? eq(webhookEvents.status, status) : undefined, LEDGER.after(cursor)))
    .orderBy(...LEDGER.order)
    .limit(limit + 1);
  const page = LEDGER.page(rows, limit);
  return { events: page.rows, nextCursor: page.nextCursor };
}
