// POST /api/internal/jobs?seconds=N (GET too, for cron services that only send GET) —
// Authorization: Bearer $CRON_SECRET. For hosts without long-lived processes: runs due
// background jobs (webhook events, the usage flush, reconcile, cleanup: lib/jobs/queues.ts) for
// up to N seconds (default 50, at most 300), cron schedules included, then answers
// {completed, failed}. Call it every minute.
import { z } from "zod";
import { getDatabase } from "@/db";
import { getJobStripe } from "@/lib/billing/stripe/client";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { startWorker } from "@/lib/jobs/worker";

export const dynamic = "force-dynamic";
export const maxDuration = 300;

const secondsSchema = z.coerce.number().int().min(1).max(300).default(50);

const run = route("cron", async ({ request }) => {
  const parsed = secondsSchema.safeParse(
    new URL(request.url).searchParams.get("seconds") ?? undefined,
  );
  if (!parsed.success) {
    throw new AppError("bad_request", "seconds must be a whole number from 1 to 300.");
  }
  const handle = await getDatabase();
  const worker = await startWorker({
    handle,
    stripe: getJobStripe(handle.db),
    until: Date.now() + parsed.data * 1000,
    cronWorkerIntervalSeconds: 1,
  });
  const report = await worker.done;
  return Response.json(report, { headers: { "Cache-Control": "no-store" } });
});

export const POST = run;
export const GET = run;
