import "server-only";
import { and, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { z } from "zod";
import type { Database } from "@/db";
import { WEBHOOK_EVENT_STATUSES, type WebhookEventStatus, webhookEvents } from "@/db/schema";
import { type ProcessOutcome, processStripeEvent } from "@/lib/billing/webhooks/process";
import { AppError } from "@/lib/errors";
import { keyset } from "@/lib/http/cursor";

/**
 * The admin view of the webhook ledger: a keyset-paginated list, newest first, and the replay
 * of one stored event through the same pipeline as a live delivery.
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

/** Stripe event ids ("evt_…"); the ledger's key. */
const eventIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_-]+$/);

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

export type ReplayResult = { ok: true; outcome: ProcessOutcome } | { ok: false; message: string };

/** What a stored payload must look like to be handed back to the pipeline. */
const storedEventSchema = z.looseObject({
  id: z.string(),
  object: z.literal("event"),
  type: z.string(),
  created: z.number(),
  data: z.looseObject({ object: z.looseObject({}) }),
});

/**
 * Processes the stored payload of ledger event `eventId` again, exactly as a redelivery from
 * Stripe would be (`processStripeEvent`): idempotent, so replaying an event that has been
 * processed since is a `duplicate` without effect. A failure is recorded on the ledger row
 * and answered with its reason; errors outside the pipeline's own handling are thrown.
 */
export async function replayWebhookEvent(
  db: Database,
  stripe: Stripe,
  eventId: string,
): Promise<ReplayResult> {
  if (!eventIdSchema.safeParse(eventId).success) {
    return { ok: false, message: "That is not a webhook event id." };
  }
  const [row] = await db
    .select({ payload: webhookEvents.payload })
    .from(webhookEvents)
    .where(eq(webhookEvents.id, eventId));
  if (!row) return { ok: false, message: `There is no event ${eventId} in the ledger.` };
  const stored = storedEventSchema.safeParse(row.payload);
  if (!stored.success || stored.data.id !== eventId) {
    return { ok: false, message: `The stored payload of ${eventId} is not a Stripe event.` };
  }
  try {
    const outcome = await processStripeEvent(db, stripe, row.payload as Stripe.Event);
    return { ok: true, outcome };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const [failed] = await db
      .select({ lastError: webhookEvents.lastError })
      .from(webhookEvents)
      .where(eq(webhookEvents.id, eventId));
    return { ok: false, message: failed?.lastError ?? error.message };
  }
}
