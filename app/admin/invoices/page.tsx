import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { INVOICE_STATUS, InvoiceStatusBadge } from "@/components/billing/invoice-status-badge";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { Cell, EmptyState, NumericCell, Row, RowHeader, Table } from "@/components/ui/table";
import { Day } from "@/components/ui/time";
import { getDb } from "@/db";
import { INVOICE_STATUSES } from "@/db/schema";
import {
  type AdminInvoice,
  INVOICE_FILTER_KEYS,
  type InvoiceFilter,
  invoiceTotals,
  listInvoices,
  parseInvoiceFilter,
} from "@/lib/admin/invoices";
import { requireAdmin } from "@/lib/auth/session";
import { PLAN_TIERS, PLANS } from "@/lib/billing/catalog/plans";
import { safeExternalUrl } from "@/lib/format/external-url";
import { formatMoney } from "@/lib/format/money";

export const metadata: Metadata = { title: "Invoices · Admin" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

const inputClass =
  "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm";
const labelClass = "block text-sm font-medium text-slate-800";
const linkClass = "font-medium text-brand-700 underline hover:text-brand-900";

/** `?status=…&…` for the filter (without its cursor), plus `cursor` when given. */
function filterQuery(filter: InvoiceFilter, cursor?: string): string {
  const params = new URLSearchParams();
  for (const key of INVOICE_FILTER_KEYS) {
    const value = key === "cursor" ? cursor : filter[key];
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}

/** What the admin typed, shown again in the form even when it did not validate. */
function typedValues(params: SearchParams): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of INVOICE_FILTER_KEYS) {
    const value = params[key];
    values[key] = (Array.isArray(value) ? value[0] : value) ?? "";
  }
  return values;
}

export default async function AdminInvoicesPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  await requireAdmin("/admin/invoices");
  const params = await searchParams;
  const parsed = parseInvoiceFilter(params);
  const typed = typedValues(params);

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Invoices</h1>
      <FilterForm values={typed} />
      {parsed.ok ? (
        <Results filter={parsed.filter} />
      ) : (
        <div className="mt-6">
          <FormAlert tone="error">
            These filters cannot be used. {parsed.message}{" "}
            <Link href="/admin/invoices" className="underline">
              Clear the filters
            </Link>
            .
          </FormAlert>
        </div>
      )}
    </>
  );
}

function FilterForm({ values }: { values: Record<string, string> }) {
  return (
    <search aria-label="Filter invoices" className="mt-6 block">
      <form
        method="get"
        action="/admin/invoices"
        className="grid grid-cols-1 gap-4 rounded-xl border border-slate-200 p-4 sm:grid-cols-2 lg:grid-cols-6 lg:items-end"
      >
        <div className="sm:col-span-2">
          <label htmlFor="filter-q" className={labelClass}>
            Search
          </label>
          <input
            id="filter-q"
            name="q"
            type="search"
            defaultValue={values.q}
            maxLength={254}
            aria-describedby="filter-q-hint"
            className={inputClass}
          />
          <p id="filter-q-hint" className="mt-1 text-xs text-slate-600">
            An invoice number (or its beginning) or a customer&apos;s full email.
          </p>
        </div>
        <div>
          <label htmlFor="filter-status" className={labelClass}>
            Status
          </label>
          <select
            id="filter-status"
            name="status"
            defaultValue={values.status}
            className={inputClass}
          >
            <option value="">Any status</option>
            {INVOICE_STATUSES.map((status) => (
              <option key={status} value={status}>
                {INVOICE_STATUS[status].label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-plan" className={labelClass}>
            Plan
          </label>
          <select id="filter-plan" name="plan" defaultValue={values.plan} className={inputClass}>
            <option value="">Any plan</option>
            {PLAN_TIERS.map((tier) => (
              <option key={tier} value={tier}>
                {PLANS[tier].name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-from" className={labelClass}>
            From (UTC)
          </label>
          <input
            id="filter-from"
            name="from"
            type="date"
            defaultValue={values.from}
            className={inputClass}
          />
        </div>
        <div>
          <label htmlFor="filter-to" className={labelClass}>
            To (UTC)
          </label>
          <input
            id="filter-to"
            name="to"
            type="date"
            defaultValue={values.to}
            className={inputClass}
          />
        </div>
        <div className="flex flex-wrap items-center gap-4 sm:col-span-2 lg:col-span-6">
          <Button type="submit">Apply filters</Button>
          <Link href="/admin/invoices" className={linkClass}>
            Clear filters
          </Link>
        </div>
      </form>
    </search>
  );
}

async function Results({ filter }: { filter: InvoiceFilter }) {
  const page = await listInvoices(await getDb(), filter);

  return (
    <>
      {/* Totals read every matching row (a full scan without a filter), so the list does not
          wait for them. */}
      <Suspense fallback={<TotalsLoading />}>
        <Totals filter={filter} />
      </Suspense>
      <section aria-labelledby="invoices-heading" className="mt-8">
        <div className="flex flex-wrap items-baseline justify-between gap-3">
          <h2 id="invoices-heading" className="text-lg font-semibold text-slate-900">
            {filter.cursor ? "Matching invoices (later page)" : "Matching invoices"}
          </h2>
          <a href={`/admin/invoices/export${filterQuery(filter)}`} className={linkClass}>
            Export CSV
          </a>
        </div>
        {page.rows.length === 0 ? (
          <div className="mt-3">
            <EmptyState>No invoices match these filters.</EmptyState>
          </div>
        ) : (
          <InvoiceTable rows={page.rows} />
        )}
        <nav aria-label="Invoice pages" className="mt-4 flex flex-wrap gap-6 text-sm">
          {filter.cursor && (
            <Link href={`/admin/invoices${filterQuery(filter)}`} className={linkClass}>
              First page
            </Link>
          )}
          {page.nextCursor && (
            <Link
              href={`/admin/invoices${filterQuery(filter, page.nextCursor)}`}
              className={linkClass}
            >
              Next page
            </Link>
          )}
        </nav>
      </section>
    </>
  );
}

function TotalsLoading() {
  return (
    <section aria-labelledby="totals-heading" className="mt-8">
      <h2 id="totals-heading" className="text-lg font-semibold text-slate-900">
        Totals for these filters
      </h2>
      <p role="status" className="mt-3 text-sm text-slate-600">
        Adding up the totals…
      </p>
    </section>
  );
}

async function Totals({ filter }: { filter: InvoiceFilter }) {
  const totals = await invoiceTotals(await getDb(), filter);
  if (totals.length === 0) return null;
  const number = new Intl.NumberFormat("en-US");
  return (
    <section aria-labelledby="totals-heading" className="mt-8">
      <h2 id="totals-heading" className="text-lg font-semibold text-slate-900">
        Totals for these filters
      </h2>
      <ul className="mt-3 grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {totals.map((total) => (
          <li key={total.currency} className="rounded-xl border border-slate-200 p-4">
            <p className="text-sm font-medium text-slate-700">
              {total.currency.toUpperCase()} · {number.format(total.count)}{" "}
              {total.count === 1 ? "invoice" : "invoices"}
            </p>
            <dl className="mt-2 grid grid-cols-2 gap-2">
              <div>
                <dt className="text-sm text-slate-600">Collected</dt>
                <dd className="text-lg font-semibold text-slate-900">
                  {formatMoney(total.collected, total.currency)}
                </dd>
              </div>
              <div>
                <dt className="text-sm text-slate-600">Outstanding</dt>
                <dd className="text-lg font-semibold text-slate-900">
                  {formatMoney(total.outstanding, total.currency)}
                </dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
    </section>
  );
}

function InvoiceTable({ rows }: { rows: AdminInvoice[] }) {
  return (
    <div className="mt-3">
      <Table
        caption="Invoices matching the filters, newest first"
        minWidth="min-w-[52rem]"
        columns={[
          "Number",
          "Date (UTC)",
          "Customer",
          "Plan",
          "Status",
          { label: "Amount", numeric: true },
          { label: "Links", hidden: true },
        ]}
      >
        {rows.map((row) => (
          <InvoiceRow key={row.id} row={row} />
        ))}
      </Table>
    </div>
  );
}

function InvoiceRow({ row }: { row: AdminInvoice }) {
  const name = row.number ?? row.stripeInvoiceId;
  const view = safeExternalUrl(row.hostedInvoiceUrl);
  const pdf = safeExternalUrl(row.invoicePdf);
  const customer = row.customerEmail ?? "Customer";
  return (
    <Row>
      <RowHeader className="font-mono text-xs">{name}</RowHeader>
      <Cell className="whitespace-nowrap">
        <Day date={row.created} />
      </Cell>
      <Cell>
        {row.workspaceId ? (
          <Link
            href={`/admin/customers/${encodeURIComponent(row.workspaceId)}`}
            className={linkClass}
          >
            {customer}
          </Link>
        ) : (
          (row.customerEmail ?? "—")
        )}
      </Cell>
      <Cell>{row.planTier ? PLANS[row.planTier].name : "—"}</Cell>
      <Cell>
        <InvoiceStatusBadge status={row.status} />
      </Cell>
      <NumericCell>{formatMoney(row.total, row.currency)}</NumericCell>
      <Cell className="whitespace-nowrap">
        <span className="flex gap-3">
          {view && (
            <a href={view} className={linkClass}>
              View<span className="sr-only"> invoice {name}</span>
            </a>
          )}
          {pdf && (
            <a href={pdf} className={linkClass}>
              PDF<span className="sr-only"> of invoice {name}</span>
            </a>
          )}
        </span>
      </Cell>
    </Row>
  );
}
