import "server-only";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { invoices } from "@/db/schema";
import { keyset } from "@/lib/http/cursor";

export interface InvoiceListItem {
  id: string;
  number: string | null;
  status: string;
  currency: string;
  total: number;
  amountDue: number;
  amountPaid: number;
  created: string;
  periodStart: string | null;
  periodEnd: string | null;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
}

export interface InvoicePage {
  data: InvoiceListItem[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** Walks `invoices_workspace_created_idx` (workspace_id, created desc, id desc). */
const USER_INVOICES = keyset({ time: invoices.created, id: invoices.id }, "uuid");

/**
 * One user's invoices, newest first, a page at a time (keyset pagination on the
 * `invoices_workspace_created_idx` index). Scoped by `workspaceId`: a cursor carries only a position, so
 * it can never reach another user's rows. Throws `bad_request` for a cursor that is not ours.
 */
export async function listUserInvoices(
  db: Database,
  {
    workspaceId,
    cursor,
    limit = 20,
  }: { workspaceId: string; cursor?: string | null; limit?: number },
): Promise<InvoicePage> {
  const after = USER_INVOICES.parse(cursor);
  const rows = await db
    .select({ row: invoices, ...USER_INVOICES.columns })
    .from(invoices)
    .where(and(eq(invoices.workspaceId, workspaceId), USER_INVOICES.after(after)))
    .orderBy(...USER_INVOICES.order)
    .limit(limit + 1);
  const page = USER_INVOICES.page(rows, limit);
  return {
    data: page.rows.map(({ row }) => ({
      id: row.stripeInvoiceId,
      number: row.number,
      status: row.status,
      currency: row.currency,
      total: row.total,
      amountDue: row.amountDue,
      amountPaid: row.amountPaid,
      created: row.created.toISOString(),
      periodStart: row.periodStart?.toISOString() ?? null,
      periodEnd: row.periodEnd?.toISOString() ?? null,
      hostedInvoiceUrl: row.hostedInvoiceUrl,
      invoicePdf: row.invoicePdf,
    })),
    nextCursor: page.nextCursor,
  };
}
