import "server-only";
import { and, eq, lt, or } from "drizzle-orm";
import type { Database } from "@/db";
import { descIndexed } from "@/db/order";
import { invoices } from "@/db/schema";
import { AppError } from "@/lib/errors";

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

/** A position in the (created desc, id desc) order: "<created ms>.<row id>". */
function encodeCursor(created: Date, id: string): string {
  return Buffer.from(`${created.getTime()}.${id}`).toString("base64url");
}

function decodeCursor(cursor: string): { created: Date; id: string } {
  const text = Buffer.from(cursor, "base64url").toString();
  const match = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(text);
  if (!match?.[1] || !match[2]) throw new AppError("bad_request", "The cursor is not valid.");
  return { created: new Date(Number(match[1])), id: match[2] };
}

/**
 * One user's invoices, newest first, a page at a time (keyset pagination on the
 * `invoices_user_created_idx` index). Scoped by `userId`: a cursor carries only a position, so
 * it can never reach another user's rows.
 */
export async function listUserInvoices(
  db: Database,
  { userId, cursor, limit = 20 }: { userId: string; cursor?: string | null; limit?: number },
): Promise<InvoicePage> {
  const after = cursor ? decodeCursor(cursor) : null;
  const rows = await db
    .select()
    .from(invoices)
    .where(
      and(
        eq(invoices.userId, userId),
        after
          ? or(
              lt(invoices.created, after.created),
              and(eq(invoices.created, after.created), lt(invoices.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(descIndexed(invoices.created), descIndexed(invoices.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map((row) => ({
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
    nextCursor: rows.length > limit && last ? encodeCursor(last.created, last.id) : null,
  };
}
