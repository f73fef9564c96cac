import { decodeCursor, encodeCursor, type InvoiceRow, PAGE_ROWS, sql } from "../../lib/sql";

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const one = (value: string | string[] | undefined) => (typeof value === "string" ? value : "");

/**
 * A keyset page of every invoice, newest first, in one statement on the same index as
 * Tollgate's admin list: `?cursor=` (Tollgate's format), `?status=`, `?q=` (an email, whole, or
 * the beginning of an invoice number, as Tollgate's search).
 */
export default async function InvoicesPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const status = one(params.status);
  const q = one(params.q);
  const after = decodeCursor(one(params.cursor));
  const db = sql();
  const number = q.toUpperCase();
  const rows = await db<InvoiceRow[]>`
    select id::text as id, number, status, customer_email, currency, total, created,
      to_char(created at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at
    from invoices
    where true
      ${status ? db`and status = ${status}` : db``}
      ${
        q.includes("@")
          ? db`and lower(customer_email) = ${q.toLowerCase()}`
          : q
            ? db`and number >= ${number} and starts_with(number, ${number})`
            : db``
      }
      ${after ? db`and (created, id) < (${after.at}::timestamptz, ${after.id}::uuid)` : db``}
    order by created desc nulls last, id desc nulls last
    limit ${PAGE_ROWS + 1}`;
  const page = rows.slice(0, PAGE_ROWS);
  const last = page.at(-1);
  return (
    <main>
      <h1>Invoices</h1>
      <table>
        <thead>
          <tr>
            <th>Number</th>
            <th>Customer</th>
            <th>Status</th>
            <th>Total</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {page.map((row) => (
            <tr key={row.id}>
              <td>{row.number ?? "draft"}</td>
              <td>{row.customer_email}</td>
              <td>{row.status}</td>
              <td>
                {row.total} {row.currency}
              </td>
              <td>{row.created.toISOString().slice(0, 10)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > PAGE_ROWS && last && (
        <a href={`/invoices?cursor=${encodeCursor(last.cursor_at, last.id)}`}>Next page</a>
      )}
    </main>
  );
}
