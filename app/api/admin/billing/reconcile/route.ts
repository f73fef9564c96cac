// POST /api/admin/billing/reconcile — starts re-syncing every customer from Stripe and replaying
// the ledger's pending webhook events (admins only). Answers 202 at once and the work goes on in
// the background (its counts are logged when done); 409 while a reconcile already runs.
import { getDb } from "@/db";
import { startReconcile } from "@/lib/billing/mirror/reconcile";
import { getStripe } from "@/lib/billing/stripe/client";
import { route } from "@/lib/http/route";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

export const POST = route("admin", async ({ caller }) => {
  const { done } = await startReconcile(await getDb(), getStripe());
  log.info({ adminId: caller.user.id }, "admin started a billing reconcile");
  // Not awaited: the answer does not wait for the work. Its failure is logged where it happens.
  done.catch(() => undefined);
  return Response.json({ started: true }, { status: 202 });
});
