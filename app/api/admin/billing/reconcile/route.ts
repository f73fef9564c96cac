// POST /api/admin/billing/reconcile — re-syncs every customer from Stripe and replays failed
// webhook events (admins only).
import { getDb } from "@/db";
import { reconcileBilling } from "@/lib/billing/reconcile";
import { getStripe } from "@/lib/billing/stripe";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route("admin", async () => {
  const report = await reconcileBilling(await getDb(), getStripe());
  return Response.json(report);
});
