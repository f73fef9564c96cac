import { notFound } from "next/navigation";
import { type InvoiceRow, PAGE_ROWS, sql } from "../../lib/sql";

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** A workspace's page: its name and its 25 newest invoices (`?w=<slug>`), two statements. */
export default async function AccountPage({ searchParams }: { searchParams: SearchParams }) {
  const { w } = await searchParams;
  const db = sql();
  const [workspace] = await db<{ id: string; name: string }[]>`
    select id::text as id, name from workspaces where slug = ${typeof w === "string" ? w : ""}`;
  if (!workspace) notFound();
  const rows = await db<InvoiceRow[]>`
    select id::text as id, number, status, customer_email, currency, total, created, '' as cursor_at
    from invoices where workspace_id = ${workspace.id}::uuid
    order by created desc nulls last, id desc nulls last
    limit ${PAGE_ROWS}`;
  return (
    <main>
      <h1>{workspace.name}</h1>
      <table>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td>{row.number ?? "draft"}</td>
              <td>{row.status}</td>
              <td>
                {row.total} {row.currency}
              </td>
              <td>{row.created.toISOString().slice(0, 10)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
