// GET /admin/invoices/export?status=&from=&to=&plan=&q= — admins only: every invoice matching
// the filter as a CSV download, streamed a page at a time.
import { getDb } from "@/db";
import { parseInvoiceFilterOrThrow, streamInvoicesCsv } from "@/lib/admin/invoices";
import { route } from "@/lib/http/route";

// Like the admin pages, a signed-in non-admin is told nothing is here (`hidden`).
export const GET = route(
  "admin",
  async ({ request }) => {
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
  },
  { hidden: true },
);
