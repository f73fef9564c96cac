// POST /api/admin/billing/reconcile — asks for a reconcile of every customer (admins only): the
// `billing-reconcile` job queues one job per customer, which re-reads it from Stripe, and asks
// again for the jobs of the ledger's pending webhook events. Answers 202 with the job's id at
// once; 409 while one is already waiting to start.
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { getJobs, sendReconcileJob } from "@/lib/jobs/send";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

export const POST = route("admin", async ({ caller }) => {
  const jobId = await sendReconcileJob(await getJobs());
  if (!jobId) {
    throw new AppError(
      "conflict",
      "A reconcile is already waiting to start; it covers every customer.",
    );
  }
  log.info({ adminId: caller.user.id, jobId }, "admin asked for a billing reconcile");
  return Response.json({ queued: true, jobId }, { status: 202 });
});
