// GET /admin/invoices/export?status=&from=&to=&plan=&q= — admins only: every invoice matching
// the filter as a CSV download, streamed a page at a time.
import { getDb } from "@/db";
import { parseInvoiceFilterOrThrow, streamInvoicesCsv } from "@/lib/admin/invoices";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";

export const GET = route("user", async ({ request, caller }) => {
  // Like the admin pages, a signed-in non-admin is told nothing is here.
  if (caller.user.role !== "admin") throw new AppError("not_found", "Not found.");
  const filter = parseInvoiceFilterOrThrow(new URL(request.url).searchParams);
  const body = streamInvoicesCsv(await getDb(), filter);
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="invoices-${day}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
