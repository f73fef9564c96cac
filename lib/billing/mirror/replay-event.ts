import "server-only";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { z } from "zod";
import type { Database } from "@/db";
import { webhookEvents } from "@/db/schema";
import { errorReason } from "@/lib/error-reason";
import type { BillingDeps } from "../stripe/client";
import { applyCustomerEvents } from "./apply-events";
import { customerIdOf, ingestStripeEvent } from "./ingest-event";

/** Stripe event ids ("evt_…"); the ledger's key. */
const eventIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_-]+$/);

/** What a stored payload must look like to be read as a Stripe event. */
const storedEventSchema = z.looseObject({
  id: z.string(),
  object: z.literal("event"),
  type: z.string(),
  created: z.number(),
  data: z.looseObject({ object: z.looseObject({}) }),
});

/** What applying one event now did: `duplicate` — it had been applied (or ignored) before. */
export type ApplyOutcome = "processed" | "duplicate" | "ignored" | "unlinked";

export type ReplayResult = { ok: true; outcome: ApplyOutcome } | { ok: false; message: string };

/**
 * Applies ledger event `eventId` now, in this process, as its customer's job would (with every
 * other pending event of that customer: mirror/apply-events.ts), and says how it went:
 * idempotent, so replaying an event that has been applied since is a `duplicate` without
 * effect. A failure is recorded on the ledger row and answered with its reason. The admin's
 * Replay uses it.
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
    .select({
      status: webhookEvents.status,
      stripeCustomerId: webhookEvents.stripeCustomerId,
      payload: webhookEvents.payload,
    })
    .from(webhookEvents)
    .where(eq(webhookEvents.id, eventId));
  if (!row) return { ok: false, message: `There is no event ${eventId} in the ledger.` };
  if (row.status === "processed" || row.status === "ignored") {
    return { ok: true, outcome: "duplicate" };
  }
  let stripeCustomerId = row.stripeCustomerId;
  if (!stripeCustomerId) {
    // A row written without its customer (by an earlier version): read it from the payload.
    const stored = storedEventSchema.safeParse(row.payload);
    if (!stored.success || stored.data.id !== eventId) {
      return { ok: false, message: `The stored payload of ${eventId} is not a Stripe event.` };
    }
    stripeCustomerId = customerIdOf(row.payload as Stripe.Event);
    if (!stripeCustomerId) {
      return { ok: false, message: `Event ${eventId} names no Stripe customer to fetch.` };
    }
    await db.update(webhookEvents).set({ stripeCustomerId }).where(eq(webhookEvents.id, eventId));
  }
  return applyNow({ db, stripe }, eventId, stripeCustomerId);
}

/**
 * Puts `event` on the ledger and applies it at once rather than in a job: what scripts and
 * tests use to mirror one event synchronously. Same exactly-once rules as the webhook route.
 */
export async function applyStripeEventNow(
  deps: BillingDeps,
  event: Stripe.Event,
): Promise<ReplayResult> {
  const ingested = await ingestStripeEvent(deps.db, event);
  if (ingested.outcome !== "pending") {
    return { ok: true, outcome: ingested.duplicate ? "duplicate" : ingested.outcome };
  }
  // A pending event always names its customer (ingest-event.ts).
  return applyNow(deps, event.id, ingested.stripeCustomerId ?? "");
}

async function applyNow(
  deps: BillingDeps,
  eventId: string,
  stripeCustomerId: string,
): Promise<ReplayResult> {
  try {
    await applyCustomerEvents(deps, stripeCustomerId);
  } catch (error) {
    const [failed] = await deps.db
      .select({ lastError: webhookEvents.lastError })
      .from(webhookEvents)
      .where(eq(webhookEvents.id, eventId))
      .catch(() => []);
    return { ok: false, message: failed?.lastError ?? errorReason(error) };
  }
  const [row] = await deps.db
    .select({ status: webhookEvents.status })
    .from(webhookEvents)
    .where(eq(webhookEvents.id, eventId));
  if (row?.status === "unlinked") return { ok: true, outcome: "unlinked" };
  if (row?.status === "processed") return { ok: true, outcome: "processed" };
  return { ok: false, message: `Event ${eventId} is still ${row?.status ?? "missing"}.` };
}
