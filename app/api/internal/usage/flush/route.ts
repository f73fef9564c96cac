// POST /api/internal/usage/flush (GET too, for cron services that only send GET) —
// Authorization: Bearer $CRON_SECRET. Sends the usage outbox's due rows to Stripe's meter, at
// most 1,000 per call → {sent, failed, abandoned, remaining} (`abandoned`: of `failed`, the rows
// marked failed for good); call again while `remaining` > 0.
import { getDb } from "@/db";
import { getStripe } from "@/lib/billing/stripe/client";
import { route } from "@/lib/http/route";
import { flushUsage } from "@/lib/usage/report";

const flush = route("cron", async () => {
  const result = await flushUsage(await getDb(), getStripe(), { batchSize: 100, maxBatches: 10 });
  return Response.json(result, { headers: { "Cache-Control": "no-store" } });
});

export const POST = flush;
export const GET = flush;
