import type { Metadata } from "next";
import Link from "next/link";
import { SubscriptionStatusBadge } from "@/components/billing/subscription-status-badge";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { Cell, EmptyState, NumericCell, Row, RowHeader, Table } from "@/components/ui/table";
import { Day } from "@/components/ui/time";
import { getDb } from "@/db";
import {
  type CustomerListItem,
  type CustomerPage,
  listCustomers,
  MAX_CUSTOMER_QUERY_LENGTH,
} from "@/lib/admin/customer-list";
import { requireAdmin } from "@/lib/auth/session";
import { CURRENCY, PLANS } from "@/lib/billing/catalog/plans";
import { AppError } from "@/lib/errors";
import { formatMoney } from "@/lib/format/money";

export const metadata: Metadata = { title: "Customers" };
export const dynamic = "force-dynamic";

const PAGE = "/admin/customers";
const PAGE_SIZE = 50;
const MAX_CURSOR_LENGTH = 400;
const whole = new Intl.NumberFormat("en-US");

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

/** A personal workspace is known by its person: "Personal" alone names nobody. */
function workspaceLabel(customer: CustomerListItem): string {
  if (!customer.personal) return customer.name;
  const who = customer.owner?.email ?? customer.owner?.name;
  return who ? `${who} (personal)` : `${customer.name} (personal)`;
}

function CustomerRow({ customer }: { customer: CustomerListItem }) {
  const { subscription, owner } = customer;
  return (
    <Row>
      <RowHeader plain>
        <Link href={`${PAGE}/${encodeURIComponent(customer.id)}`} className={linkClass}>
          {workspaceLabel(customer)}
        </Link>
        <span className="block font-mono text-xs text-slate-600">{customer.slug}</span>
      </RowHeader>
      <Cell className="text-slate-700">
        {owner ? (
          (owner.email ?? owner.name ?? owner.id)
        ) : (
          <span className="text-slate-600">None</span>
        )}
      </Cell>
      <NumericCell>{whole.format(customer.members)}</NumericCell>
      <NumericCell>
        {customer.billedSeats === null ? (
          <span className="text-slate-600">—</span>
        ) : (
          whole.format(customer.billedSeats)
        )}
      </NumericCell>
      <Cell>
        {subscription ? (
          <span className="flex flex-wrap items-center gap-2">
            <span className="text-slate-900">{PLANS[subscription.planTier].name}</span>
            <SubscriptionStatusBadge status={subscription.status} />
          </span>
        ) : (
          <span className="text-slate-600">Free · never subscribed</span>
        )}
        {customer.stripeCustomerDeletedAt && (
          <span className="block text-xs text-slate-600">Stripe customer deleted</span>
        )}
      </Cell>
      <NumericCell>{formatMoney(customer.mrr, CURRENCY)}</NumericCell>
      <Cell className="whitespace-nowrap text-slate-700">
        <Day date={customer.createdAt} />
      </Cell>
    </Row>
  );
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
      <p className="mt-2 text-sm text-slate-600">
        The workspace is the customer: every person&rsquo;s personal workspace and every team
        workspace, with the seats its subscription bills and its monthly recurring revenue.
      </p>
      <search aria-label="Customers" className="mt-6">
        <form
          method="get"
          action={PAGE}
          className="flex max-w-xl flex-col gap-3 sm:flex-row sm:items-end"
        >
          <div className="grow">
            <label htmlFor="customer-search" className="block text-sm font-medium text-slate-800">
              Search workspaces
            </label>
            <p id="customer-search-hint" className="mt-1 text-xs text-slate-600">
              Part of a workspace's name, the start of its address (slug), or the start of a
              member's email address. Case does not matter.
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
              ? "No more workspaces."
              : query
                ? `No workspaces match “${query}”.`
                : "No workspaces yet."}
          </EmptyState>
        ) : (
          <>
            <Table
              caption={`${query ? `Workspaces matching “${query}”` : "Workspaces"}, newest first`}
              minWidth="min-w-[60rem]"
              columns={[
                "Workspace",
                "Owner",
                { label: "Members", numeric: true },
                { label: "Billed seats", numeric: true },
                "Plan",
                { label: "MRR", numeric: true },
                "Created (UTC)",
              ]}
            >
              {result.page.data.map((customer) => (
                <CustomerRow key={customer.id} customer={customer} />
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
