// POST /api/admin/users/:id/subscription/cancel {immediately?} — an admin ends a user's
// subscription: at once by default (the user drops to Free now, nothing is refunded), or at the
// end of the period with `immediately: false`. → {subscription}; 404 when the user has none.
import { getDb } from "@/db";
import { cancelSubscription, cancelSubscriptionSchema } from "@/lib/billing/service/cancel";
import { getStripe } from "@/lib/billing/stripe/client";
import { readJsonOrForm } from "@/lib/http/request";
import { route } from "@/lib/http/route";

export const POST = route<"admin", { id: string }>("admin", async ({ request, caller, params }) => {
  const { data } = await readJsonOrForm(request, cancelSubscriptionSchema);
  const result = await cancelSubscription({
    db: await getDb(),
    stripe: getStripe(),
    userId: params.id,
    actor: caller.user,
    immediately: data.immediately ?? true,
  });
  return Response.json(result, { headers: { "Cache-Control": "no-store" } });
});
