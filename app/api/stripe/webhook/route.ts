// POST /api/stripe/webhook — Stripe → Tollgate. Not wrapped by `route()`: Stripe sends no
// session and no Origin; the signature is the authentication.
import { getDb } from "@/db";
import { processStripeEvent } from "@/lib/billing/mirror/process-event";
import { verifyStripeEvent } from "@/lib/billing/mirror/verify-event";
import { getStripe } from "@/lib/billing/stripe/client";
import { env } from "@/lib/env";
import { errorResponse } from "@/lib/errors";
import { readBodyText } from "@/lib/http/request";

export const dynamic = "force-dynamic";

/** Stripe's events are far smaller; anything larger is not from Stripe. */
const MAX_WEBHOOK_BYTES = 1024 * 1024;

export async function POST(request: Request): Promise<Response> {
  try {
    // The raw text: the signature is over these exact bytes, so nothing may parse them first.
    const body = await readBodyText(request, MAX_WEBHOOK_BYTES);
    const stripe = getStripe();
    const event = verifyStripeEvent(
      stripe,
      body,
      request.headers.get("stripe-signature"),
      env().STRIPE_WEBHOOK_SECRET,
    );
    const outcome = await processStripeEvent(await getDb(), stripe, event);
    return Response.json({ received: true, outcome });
  } catch (error) {
    return errorResponse(error);
  }
}
