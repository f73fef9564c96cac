import type { Metadata } from "next";
import Link from "next/link";
import { SubscriptionStatusBadge } from "@/components/billing/subscription-status-badge";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { Cell, EmptyState, Row, RowHeader, Table } from "@/components/ui/table";
import { Day } from "@/components/ui/time";
import { getDb } from "@/db";
import { type CustomerPage, listCustomers, MAX_CUSTOMER_QUERY_LENGTH } from "@/lib/admin/customers";
import { requireAdmin } from "@/lib/auth/session";
import { PLANS } from "@/lib/billing/catalog/plans";
import { AppError } from "@/lib/errors";

export const metadata: Metadata = { title: "Customers" };
export const dynamic = "force-dynamic";

const PAGE = "/admin/customers";
const PAGE_SIZE = 50;
const MAX_CURSOR_LENGTH = 400;

const linkClass =
  "rounded font-medium text-brand-700 underline underline-offset-2 hover:text-brand-900";

function single(value: string | string[] | undefined): string | null {
  return typeof value === "string" ? value : null;
}

function pageHref(query: string, cursor?: string): string {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  if (cursor) params.set("cursor", cursor);
  const search = params.toString();
  return search ? `${PAGE}?${search}` : PAGE;
}

/** A page of customers, or the message to show instead when the address holds bad input. */
async function loadPage(
  query: string,
  cursor: string | null,
): Promise<{ page: CustomerPage } | { problem: string }> {
  if (cursor !== null && cursor.length > MAX_CURSOR_LENGTH) {
    return { problem: "This page of customers does not exist (the link may be incomplete)." };
  }
  try {
    return { page: await listCustomers(await getDb(), { query, cursor, limit: PAGE_SIZE }) };
  } catch (error) {
    if (error instanceof AppError && error.code === "bad_request") {
      return {
        problem: cursor
          ? "This page of customers does not exist (the link may be incomplete)."
          : error.message,
      };
    }
    throw error;
  }
}

export default async function CustomersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin(PAGE);
  const params = await searchParams;
  const query = (single(params.q) ?? "").trim();
  const cursor = single(params.cursor) || null;
  const result = await loadPage(query, cursor);

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Customers</h1>
      <search aria-label="Customers" className="mt-6">
        <form
          method="get"
          action={PAGE}
          className="flex max-w-xl flex-col gap-3 sm:flex-row sm:items-end"
        >
          <div className="grow">
            <label htmlFor="customer-search" className="block text-sm font-medium text-slate-800">
              Search customers
            </label>
            <p id="customer-search-hint" className="mt-1 text-xs text-slate-600">
              The start of an email address, or part of a name. Case does not matter.
            </p>
            <input
              id="customer-search"
              name="q"
              type="search"
              defaultValue={query}
              maxLength={MAX_CUSTOMER_QUERY_LENGTH}
              aria-describedby="customer-search-hint"
              autoComplete="off"
              spellCheck={false}
              className="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 text-slate-900 shadow-sm"
            />
          </div>
          <div className="flex items-center gap-3">
            <Button type="submit">Search</Button>
            {query && (
              <Link href={PAGE} className={`text-sm ${linkClass}`}>
                Clear
              </Link>
            )}
          </div>
        </form>
      </search>

      <div className="mt-6">
        {"problem" in result ? (
          <FormAlert tone="error">
            {result.problem}{" "}
            <Link href={pageHref(query)} className="font-medium underline underline-offset-2">
              Start from the first page
            </Link>
            .
          </FormAlert>
        ) : result.page.data.length === 0 ? (
          <EmptyState>
            {cursor
              ? "No more customers."
              : query
                ? `No customers match “${query}”.`
                : "No customers yet."}
          </EmptyState>
        ) : (
          <>
            <Table
              caption={`${query ? `Customers matching “${query}”` : "Customers"}, newest first`}
              minWidth="min-w-[48rem]"
              columns={["Customer", "Plan", "Stripe customer", "Role", "Joined (UTC)"]}
            >
              {result.page.data.map((customer) => (
                <Row key={customer.id}>
                  <RowHeader plain>
                    <Link href={`${PAGE}/${encodeURIComponent(customer.id)}`} className={linkClass}>
                      {customer.email ?? customer.name ?? customer.id}
                    </Link>
                    {customer.email && customer.name && (
                      <span className="block text-xs text-slate-600">{customer.name}</span>
                    )}
                  </RowHeader>
                  <Cell>
                    {customer.subscription ? (
                      <span className="flex flex-wrap items-center gap-2">
                        <span className="text-slate-900">
                          {PLANS[customer.subscription.planTier].name}
                        </span>
                        <SubscriptionStatusBadge status={customer.subscription.status} />
                      </span>
                    ) : (
                      <span className="text-slate-600">Free · never subscribed</span>
                    )}
                  </Cell>
                  <Cell className="font-mono text-xs text-slate-700">
                    {customer.stripeCustomerId ?? (
                      <span className="font-sans text-slate-600">None</span>
                    )}
                    {customer.stripeCustomerDeletedAt && (
                      <span className="block font-sans text-slate-600">Deleted in Stripe</span>
                    )}
                  </Cell>
                  <Cell className="text-slate-700">
                    {customer.role === "admin" ? "Admin" : "User"}
                  </Cell>
                  <Cell className="whitespace-nowrap text-slate-700">
                    <Day date={customer.createdAt} />
                  </Cell>
                </Row>
              ))}
            </Table>
            {(cursor || result.page.nextCursor) && (
              <nav aria-label="Customer pages" className="mt-4 flex flex-wrap gap-3 text-sm">
                {cursor && (
                  <Link href={pageHref(query)} className={linkClass}>
                    First page
                  </Link>
                )}
                {result.page.nextCursor && (
                  <Link
                    href={pageHref(query, result.page.nextCursor)}
                    className={`ml-auto ${linkClass}`}
                  >
                    Next page
                  </Link>
                )}
              </nav>
            )}
          </>
        )}
      </div>
    </>
  );
}
