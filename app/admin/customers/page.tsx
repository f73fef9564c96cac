import type { Metadata } from "next";
import Link from "next/link";
import { SubscriptionStatusBadge } from "@/components/billing/subscription-status-badge";
import { FormAlert } from "@/components/ui/form-alert";
import { getDb } from "@/db";
import { type CustomerPage, listCustomers, MAX_CUSTOMER_QUERY_LENGTH } from "@/lib/admin/customers";
import { requireAdmin } from "@/lib/auth/session";
import { PLANS } from "@/lib/billing/catalog/plans";
import { AppError } from "@/lib/errors";
import { formatDate, isoDate } from "@/lib/format/date";

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
            <button
              type="submit"
              className="inline-flex items-center justify-center rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
            >
              Search
            </button>
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
          <p className="rounded-xl border border-dashed border-slate-300 px-6 py-10 text-center text-sm text-slate-600">
            {cursor
              ? "No more customers."
              : query
                ? `No customers match “${query}”.`
                : "No customers yet."}
          </p>
        ) : (
          <>
            <div className="relative overflow-x-auto rounded-xl border border-slate-200">
              <table className="w-full min-w-[48rem] text-left text-sm">
                <caption className="sr-only">
                  {query ? `Customers matching “${query}”` : "Customers"}, newest first
                </caption>
                <thead className="bg-slate-50 text-slate-700">
                  <tr>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Customer
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Plan
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Stripe customer
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Role
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Joined (UTC)
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {result.page.data.map((customer) => (
                    <tr key={customer.id}>
                      <th scope="row" className="px-4 py-2 font-normal">
                        <Link
                          href={`${PAGE}/${encodeURIComponent(customer.id)}`}
                          className={linkClass}
                        >
                          {customer.email ?? customer.name ?? customer.id}
                        </Link>
                        {customer.email && customer.name && (
                          <span className="block text-xs text-slate-600">{customer.name}</span>
                        )}
                      </th>
                      <td className="px-4 py-2">
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
                      </td>
                      <td className="px-4 py-2 font-mono text-xs text-slate-700">
                        {customer.stripeCustomerId ?? (
                          <span className="font-sans text-slate-600">None</span>
                        )}
                        {customer.stripeCustomerDeletedAt && (
                          <span className="block font-sans text-slate-600">Deleted in Stripe</span>
                        )}
                      </td>
                      <td className="px-4 py-2 text-slate-700">
                        {customer.role === "admin" ? "Admin" : "User"}
                      </td>
                      <td className="px-4 py-2 whitespace-nowrap text-slate-700">
                        <time dateTime={isoDate(customer.createdAt)}>
                          {formatDate(customer.createdAt)}
                        </time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
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
