// GET /api/workspaces/:slug/billing/invoices?cursor=&limit= — the workspace's invoices, newest
// first → {data, nextCursor}. Owners and admins only.
import { z } from "zod";
import { getDb } from "@/db";
import { listUserInvoices } from "@/lib/billing/invoices";
import { route } from "@/lib/http/route";
import { authorizeWorkspace, NEEDS } from "@/lib/workspaces/access";

const querySchema = z.object({
  // Checked by listUserInvoices: a cursor that is not ours is a 400 (lib/http/cursor.ts).
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const GET = route<"user", { slug: string }>("user", async ({ request, caller, params }) => {
  const db = await getDb();
  const { workspace } = await authorizeWorkspace(db, {
    userId: caller.user.id,
    slug: params.slug,
    need: NEEDS.invoices,
  });
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await listUserInvoices(db, { workspaceId: workspace.id, ...query });
  return Response.json(page, { headers: { "Cache-Control": "no-store" } });
});
