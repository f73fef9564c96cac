// POST /api/stripe/webhook — Stripe → Tollgate. Not wrapped by `route()`: Stripe sends no
// session and no Origin; the signature is the authentication. Verifies the event, writes it to
// the ledger and asks for its customer's job (which applies it: mirror/apply-events.ts), then
// answers 200 at once: {received, outcome: pending | processed | ignored, duplicate}. Any
// failure before that answers 5xx, so Stripe delivers the event again.

import type Stripe from "stripe";
import { getDb } from "@/db";
import { databaseUnavailable } from "@/db/unavailable";
import { ingestStripeEvent } from "@/lib/billing/mirror/ingest-event";
import { verifyStripeEvent } from "@/lib/billing/mirror/verify-event";
import { getStripe } from "@/lib/billing/stripe/client";
import { env } from "@/lib/env";
import { errorReason } from "@/lib/error-reason";
import { AppError, errorResponse } from "@/lib/errors";
import { readBodyText } from "@/lib/http/request";
import { getJobs, sendStripeEventsJob } from "@/lib/jobs/send";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

/** Stripe's events are far smaller; anything larger is not from Stripe. */
const MAX_WEBHOOK_BYTES = 1024 * 1024;

export async function POST(request: Request): Promise<Response> {
  let event: Stripe.Event;
  try {
    // The raw text: the signature is over these exact bytes, so nothing may parse them first.
    const body = await readBodyText(request, MAX_WEBHOOK_BYTES);
    event = verifyStripeEvent(
      getStripe(),
      body,
      request.headers.get("stripe-signature"),
      env().STRIPE_WEBHOOK_SECRET,
    );
  } catch (error) {
    return errorResponse(error);
  }
  const about = { eventId: event.id, type: event.type };
  try {
    const { outcome, duplicate, stripeCustomerId } = await ingestStripeEvent(await getDb(), event);
    if (outcome === "pending" && stripeCustomerId) {
      await sendStripeEventsJob(await getJobs(), stripeCustomerId);
    }
    log.info({ ...about, outcome: duplicate ? "duplicate" : outcome }, "stripe webhook");
    return Response.json({ received: true, outcome, duplicate });
  } catch (error) {
    // The cause's message only: a database error carries its query's parameters (the payload).
    log.error({ ...about, outcome: "failed", reason: errorReason(error) }, "stripe webhook failed");
    // 503 with Retry-After while the database is unreachable, else 500: Stripe delivers again.
    return errorResponse(
      databaseUnavailable(error)
        ? error
        : new AppError(
            "internal",
            "The event could not be recorded; Stripe will deliver it again.",
          ),
    );
  }
}
