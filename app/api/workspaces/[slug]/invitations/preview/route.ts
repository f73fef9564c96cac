// GET /api/workspaces/:slug/invitations/preview — what inviting one more member would cost
// (owners and admins) → {paidSeat: false} when the next member is included, or
// {paidSeat: true, plan, period, seats, included, perPeriod, currency, prorationAmount,
// prorationDate, nextInvoiceAt}: the extra seat's price per period and, from Stripe's preview,
// the prorated amount for the rest of this period, added to the next invoice. 402 with
// `upgradeUrl` when the plan has no room for another member (Free: 2).
import { getStripe } from "@/lib/billing/stripe/client";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { NEEDS } from "@/lib/workspaces/access";
import { previewSeatCost } from "@/lib/workspaces/seat-preview";
import { assertMemberRoom } from "@/lib/workspaces/seats";
import { workspaceRoute } from "../../workspace-route";

export const GET = workspaceRoute(
  NEEDS.members,
  async ({ db, workspace }) => {
    await assertMemberRoom(db, workspace.id, 1);
    const preview = await previewSeatCost({ db, stripe: getStripe() }, workspace.id);
    const body = preview
      ? {
          paidSeat: true,
          plan: preview.tier,
          period: preview.period,
          seats: preview.seats,
          included: preview.included,
          perPeriod: preview.perPeriod,
          currency: preview.currency,
          prorationAmount: preview.prorationAmount,
          prorationDate: preview.prorationDate.toISOString(),
          nextInvoiceAt: preview.nextInvoiceAt.toISOString(),
        }
      : { paidSeat: false };
    return Response.json(body, { headers: { "Cache-Control": "no-store" } });
  },
  { rateLimit: RATE_LIMITS.billing },
);
