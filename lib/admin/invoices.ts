import "server-only";
import { and, count, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { INVOICE_STATUSES, type Invoice, invoices } from "@/db/schema";
import { PLAN_TIERS } from "@/lib/billing/catalog/plans";
import { AppError } from "@/lib/errors";
import {
  type CursorPosition,
  decodeCursor,
  isCalendarTime,
  type KeysetPage,
  keyset,
} from "@/lib/http/cursor";
import { log } from "@/lib/log";
import { utcDayOf } from "@/lib/usage/windows";
import { csvLine, decimalAmount, textCell } from "./csv";

/**
 * Every invoice, for admins: filtered, totalled per currency and exported as CSV. Each query
 * follows an index of `invoices` at a million rows: the list walks (created desc, id desc),
 * alone or after the status, with a keyset cursor, so a deep page costs what the first does.
 */

/**
 * Newest first, ties by id: walks `invoices_created_id_idx` (created desc, id desc), or
 * `invoices_status_created_idx` after a status.
 */
const LIST = keyset({ time: invoices.created, id: invoices.id }, "uuid");

// ---------------------------------------------------------------------------------------------
// Filter

const blankToUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(blankToUndefined, schema.optional());

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date written as YYYY-MM-DD", abort: true })
  .refine((value) => isCalendarTime(`${value}T00:00:00Z`), "is not a real date");

export const invoiceFilterSchema = z
  .object({
    status: optional(
      z.enum(INVOICE_STATUSES, { error: `must be one of ${INVOICE_STATUSES.join(", ")}` }),
    ),
    /** First day included, UTC. */
    from: optional(day),
    /** Last day included, UTC. */
    to: optional(day),
    plan: optional(z.enum(PLAN_TIERS, { error: `must be one of ${PLAN_TIERS.join(", ")}` })),
    /** An invoice number or its beginning, or a customer's whole email address. */
    q: optional(z.string().trim().max(254, "must be at most 254 characters")),
    cursor: optional(
      z
        .string()
        .refine(
          (cursor) => decodeCursor(cursor, "uuid") !== null,
          "is not valid; start again from the first page",
        ),
    ),
  })
  .refine((filter) => !filter.from || !filter.to || filter.from <= filter.to, {
    message: "must not be before the first day",
    path: ["to"],
  });

export type InvoiceFilter = z.output<typeof invoiceFilterSchema>;

export const INVOICE_FILTER_KEYS = ["status", "from", "to", "plan", "q", "cursor"] as const;

const FIELD_LABELS: Record<(typeof INVOICE_FILTER_KEYS)[number], string> = {
  status: "Status",
  from: "From",
  to: "To",
  plan: "Plan",
  q: "Search",
  cursor: "The page link",
};

type FilterInput = URLSearchParams | Record<string, string | string[] | undefined>;

/** The filter in query parameters (a repeated parameter counts once: its first value). */
export function parseInvoiceFilter(
  input: FilterInput,
): { ok: true; filter: InvoiceFilter } | { ok: false; message: string } {
  const raw: Record<string, string | undefined> = {};
  for (const key of INVOICE_FILTER_KEYS) {
    const value = input instanceof URLSearchParams ? input.get(key) : input[key];
    raw[key] = (Array.isArray(value) ? value[0] : value) ?? undefined;
  }
  const parsed = invoiceFilterSchema.safeParse(raw);
  if (parsed.success) return { ok: true, filter: parsed.data };
  const message = parsed.error.issues
    .map((issue) => {
      const key = issue.path[0];
      const label =
        typeof key === "string" && key in FIELD_LABELS
          ? FIELD_LABELS[key as keyof typeof FIELD_LABELS]
          : "The filter";
      return `${label} ${issue.message}.`;
    })
    .join(" ");
  return { ok: false, message };
}

/** As `parseInvoiceFilter`; a bad filter throws `bad_request` (400) naming the field. */
export function parseInvoiceFilterOrThrow(input: FilterInput): InvoiceFilter {
  const result = parseInvoiceFilter(input);
  if (!result.ok) throw new AppError("bad_request", result.message);
  return result.filter;
}

/**
 * The smallest string above every string that starts with `prefix`, in code-point order: the
 * last code point raised by one (past the surrogates), or null when none can be.
 */
function prefixUpperBound(prefix: string): string | null {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop()?.codePointAt(0) ?? 0x10ffff;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join("") + String.fromCodePoint(next);
    }
  }
  return null;
}

/**
 * `q` with an "@" is an email, matched whole and case-insensitively on lower(customer_email)
 * (invoices_customer_email_idx). Anything else is the beginning of an invoice number, upper-cased
 * as Stripe writes them: a range on invoices_number_idx, in code-point order, which is the order
 * of the C and C.UTF-8 collations of PGlite and the Debian server; `starts_with` keeps every
 * returned row a real match under any collation.
 */
function searchCondition(q: string): SQL {
  if (q.includes("@")) return sql`lower(${invoices.customerEmail}) = ${q.toLowerCase()}`;
  const prefix = q.toUpperCase();
  const upper = prefixUpperBound(prefix);
  const range =
    upper === null
      ? sql`${invoices.number} >= ${prefix}`
      : sql`${invoices.number} >= ${prefix} and ${invoices.number} < ${upper}`;
  return sql`(${range} and starts_with(${invoices.number}, ${prefix}))`;
}

/** The UTC day `YYYY-MM-DD` names. */
const utcDay = (day: string) => utcDayOf(new Date(`${day}T00:00:00Z`));

function filterConditions(filter: InvoiceFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(invoices.status, filter.status));
  if (filter.plan) where.push(eq(invoices.planTier, filter.plan));
  if (filter.from) where.push(gte(invoices.created, utcDay(filter.from).start));
  if (filter.to) {
    const dayAfter = utcDay(filter.to).end;
    // Past 9999-12-31 nothing is excluded (and Postgres cannot read the ISO form of year 10000).
    if (dayAfter.getUTCFullYear() <= 9999) where.push(lt(invoices.created, dayAfter));
  }
  if (filter.q) where.push(searchCondition(filter.q));
  return where;
}

// ---------------------------------------------------------------------------------------------
// List

export type AdminInvoice = Pick<
  Invoice,
  | "id"
  | "stripeInvoiceId"
  | "number"
  | "status"
  | "planTier"
  | "customerEmail"
  | "workspaceId"
  | "currency"
  | "total"
  | "amountDue"
  | "amountPaid"
  | "amountRemaining"
  | "created"
  | "paidAt"
  | "hostedInvoiceUrl"
  | "invoicePdf"
>;

export interface AdminInvoicePage {
  rows: AdminInvoice[];
  /** The cursor of the page after this one; null on the last page. */
  nextCursor: string | null;
}

const listColumns = {
  id: invoices.id,
  stripeInvoiceId: invoices.stripeInvoiceId,
  number: invoices.number,
  status: invoices.status,
  planTier: invoices.planTier,
  customerEmail: invoices.customerEmail,
  workspaceId: invoices.workspaceId,
  currency: invoices.currency,
  total: invoices.total,
  amountDue: invoices.amountDue,
  amountPaid: invoices.amountPaid,
  amountRemaining: invoices.amountRemaining,
  created: invoices.created,
  paidAt: invoices.paidAt,
  hostedInvoiceUrl: invoices.hostedInvoiceUrl,
  invoicePdf: invoices.invoicePdf,
};

/** Up to `limit` rows after `after`, and the position of the last one when more follow. */
async function selectPage(
  db: Database,
  where: readonly SQL[],
  after: CursorPosition | null,
  limit: number,
): Promise<KeysetPage<AdminInvoice>> {
  const rows = await db
    .select({ ...listColumns, ...LIST.columns })
    .from(invoices)
    .where(and(...where, LIST.after(after)))
    .orderBy(...LIST.order)
    .limit(limit + 1);
  return LIST.page(rows, limit);
}

/**
 * One page of invoices matching `filter`, newest first (ties by id), starting after
 * `filter.cursor`. Throws `bad_request` for a cursor this module did not make.
 */
export async function listInvoices(
  db: Database,
  filter: InvoiceFilter,
  limit = 50,
): Promise<AdminInvoicePage> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new RangeError(`limit must be a whole number from 1 to 1000, not ${limit}`);
  }
  const page = await selectPage(db, filterConditions(filter), LIST.parse(filter.cursor), limit);
  return { rows: page.rows, nextCursor: page.nextCursor };
}

// ---------------------------------------------------------------------------------------------
// Totals

export interface CurrencyTotals {
  currency: string;
  /** Invoices matching the filter. */
  count: number;
  /** Sum of amount_paid, in the currency's smallest unit. */
  collected: number;
  /** Sum of amount_remaining of open invoices, in the currency's smallest unit. */
  outstanding: number;
}

/** Totals of every invoice matching `filter` (all pages; the cursor is ignored), per currency. */
export async function invoiceTotals(
  db: Database,
  filter: InvoiceFilter,
): Promise<CurrencyTotals[]> {
  return db
    .select({
      currency: invoices.currency,
      count: count(),
      collected: sql`coalesce(sum(${invoices.amountPaid}), 0)`.mapWith(Number),
      outstanding:
        sql`coalesce(sum(${invoices.amountRemaining}) filter (where ${invoices.status} = 'open'), 0)`.mapWith(
          Number,
        ),
    })
    .from(invoices)
    .where(and(...filterConditions(filter)))
    .groupBy(invoices.currency)
    .orderBy(invoices.currency);
}

// ---------------------------------------------------------------------------------------------
// CSV export

export const INVOICE_CSV_HEADER = [
  "invoice_id",
  "number",
  "created",
  "status",
  "plan",
  "customer_email",
  "workspace_id",
  "currency",
  "total",
  "amount_due",
  "amount_paid",
  "amount_remaining",
  "paid_at",
  "hosted_invoice_url",
  "invoice_pdf",
] as const;

function csvRecord(row: AdminInvoice): string {
  return csvLine([
    textCell(row.stripeInvoiceId),
    textCell(row.number),
    row.created.toISOString(),
    textCell(row.status),
    textCell(row.planTier),
    textCell(row.customerEmail),
    textCell(row.workspaceId),
    textCell(row.currency),
    decimalAmount(row.total, row.currency),
    decimalAmount(row.amountDue, row.currency),
    decimalAmount(row.amountPaid, row.currency),
    decimalAmount(row.amountRemaining, row.currency),
    row.paidAt?.toISOString() ?? "",
    textCell(row.hostedInvoiceUrl),
    textCell(row.invoicePdf),
  ]);
}

/**
 * Every invoice matching `filter` (after `filter.cursor`, when given) as UTF-8 CSV: a header,
 * then one line per invoice, newest first. Pages of `pageSize` rows are read only as the
 * consumer pulls, so memory stays flat however many rows match. Each page is its own query: an
 * invoice written during a long export may be missed or show its newer state. Throws
 * `bad_request` at once for a bad cursor; a database failure mid-way errors the stream.
 */
export function streamInvoicesCsv(
  db: Database,
  filter: InvoiceFilter,
  { pageSize = 1000 }: { pageSize?: number } = {},
): ReadableStream<Uint8Array> {
  const where = filterConditions(filter);
  let after = LIST.parse(filter.cursor);
  let header = csvLine(INVOICE_CSV_HEADER);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const page = await selectPage(db, where, after, pageSize);
        controller.enqueue(encoder.encode(header + page.rows.map(csvRecord).join("")));
        header = "";
        if (page.next === null) controller.close();
        after = page.next;
      } catch (error) {
        // The filter's shape only: its search text is often a customer's email.
        const { q, cursor, ...shape } = filter;
        log.error(
          { err: error, filter: { ...shape, searched: Boolean(q), paged: Boolean(cursor) } },
          "invoice CSV export failed",
        );
        controller.error(error);
      }
    },
  });
}
