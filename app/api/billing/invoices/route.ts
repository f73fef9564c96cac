// GET /api/billing/invoices?cursor=&limit= — the caller's own invoices, newest first →
// {data, nextCursor}.
import { z } from "zod";
import { getDb } from "@/db";
import { listUserInvoices } from "@/lib/billing/invoices";
import { route } from "@/lib/http/route";

const querySchema = z.object({
  // Checked by listUserInvoices: a cursor that is not ours is a 400 (lib/http/cursor.ts).
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const GET = route("user", async ({ request, caller }) => {
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await listUserInvoices(await getDb(), { userId: caller.user.id, ...query });
  return Response.json(page, { headers: { "Cache-Control": "no-store" } });
});
