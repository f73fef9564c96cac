// POST /api/admin/users/:id/subscription/resume — an admin undoes a user's scheduled
// cancellation, their own admin-scheduled ones included (a user cannot undo those).
// → {subscription}; 404 when the user has none, 409 when it is not set to cancel.
import { getDb } from "@/db";
import { resumeSubscription } from "@/lib/billing/service/resume";
import { getStripe } from "@/lib/billing/stripe/client";
import { route } from "@/lib/http/route";

export const POST = route<"admin", { id: string }>("admin", async ({ caller, params }) => {
  const result = await resumeSubscription({
    db: await getDb(),
    stripe: getStripe(),
    userId: params.id,
    actor: caller.user,
  });
  return Response.json(result, { headers: { "Cache-Control": "no-store" } });
});
