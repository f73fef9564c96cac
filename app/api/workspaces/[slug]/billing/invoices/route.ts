// GET /api/workspaces/:slug/billing/invoices?cursor=&limit= — the workspace's invoices, newest
// first → {data, nextCursor}. Owners and admins only.
import { z } from "zod";
import { listUserInvoices } from "@/lib/billing/invoices";
import { NEEDS } from "@/lib/workspaces/access";
import { workspaceRoute } from "../../workspace-route";

const querySchema = z.object({
  // Checked by listUserInvoices: a cursor that is not ours is a 400 (lib/http/cursor.ts).
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const GET = workspaceRoute<{ slug: string }>(
  NEEDS.invoices,
  async ({ request, db, workspace }) => {
    const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const page = await listUserInvoices(db, { workspaceId: workspace.id, ...query });
    return Response.json(page, { headers: { "Cache-Control": "no-store" } });
  },
);
