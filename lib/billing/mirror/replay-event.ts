import "server-only";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { z } from "zod";
import type { Database } from "@/db";
import { webhookEvents } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { type ProcessOutcome, processStripeEvent } from "./process-event";

/** Stripe event ids ("evt_…"); the ledger's key. */
const eventIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_-]+$/);

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
 * Stripe would be (`processStripeEvent`), once the payload is checked to be that Stripe event:
 * idempotent, so replaying an event that has been processed since is a `duplicate` without
 * effect. A failure is recorded on the ledger row and answered with its reason; errors outside
 * the pipeline's own handling are thrown. The admin's Replay and reconcile both replay here.
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
