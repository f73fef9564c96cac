"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { type ApplyOutcome, replayWebhookEvent } from "@/lib/billing/mirror/replay-event";
import { getStripe } from "@/lib/billing/stripe/client";
import { action } from "@/lib/http/action";
import { log } from "@/lib/log";

const PAGE = "/admin/webhooks";

const OUTCOMES: Record<ApplyOutcome, string> = {
  processed: "was applied",
  duplicate: "had already been applied; nothing changed",
  ignored: "is of a type Tollgate does not handle; it is marked ignored",
  unlinked: "is about a Stripe customer linked to no user yet; it waits for the link",
};

/** Processes one ledger event again (admins only) and says how it went. */
export const replayWebhookEventAction = action(
  { access: "admin", returnTo: PAGE, schema: z.object({ eventId: z.string() }) },
  async ({ eventId }, { user: admin }) => {
    const result = await replayWebhookEvent(await getDb(), getStripe(), eventId);
    log.info(
      { eventId, adminId: admin.id, outcome: result.ok ? result.outcome : "failed" },
      "admin replayed a webhook event",
    );
    revalidatePath(PAGE);
    if (!result.ok) {
      return { status: "error", message: `Replay failed: ${result.message}`, values: { eventId } };
    }
    return {
      status: "success",
      message: `Event ${eventId} ${OUTCOMES[result.outcome]}.`,
      values: { eventId },
    };
  },
);
