import type { Metadata } from "next";
import Link from "next/link";
import { InvoiceTable } from "@/components/billing/invoice-table";
import { LinkButton } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { EmptyState } from "@/components/ui/table";
import { getDb } from "@/db";
import { type InvoicePage, listUserInvoices } from "@/lib/billing/invoices";
import { AppError } from "@/lib/errors";
import { NEEDS } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/request";

export const metadata: Metadata = { title: "Invoices" };
export const dynamic = "force-dynamic";

const PAGE_SIZE = 20;
/** Longer than any cursor `listUserInvoices` hands out. */
const MAX_CURSOR_LENGTH = 200;

/** The page after `cursor`, or null when the cursor in the address is not one we made. */
async function loadPage(workspaceId: string, cursor: string | null): Promise<InvoicePage | null> {
  try {
    return await listUserInvoices(await getDb(), { workspaceId, cursor, limit: PAGE_SIZE });
  } catch (error) {
    if (error instanceof AppError && error.code === "bad_request") return null;
    throw error;
  }
}

const linkClass =
  "rounded font-medium text-brand-700 underline underline-offset-2 hover:text-brand-900";

export default async function InvoicesPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const PAGE = `/w/${slug}/invoices`;
  const { workspace } = await requireWorkspacePage(slug, NEEDS.invoices, PAGE);
  const { cursor: cursorParam } = await searchParams;
  const cursor =
    typeof cursorParam === "string" &&
    cursorParam.length > 0 &&
    cursorParam.length <= MAX_CURSOR_LENGTH
      ? cursorParam
      : null;
  const badCursor = cursorParam !== undefined && cursor === null;
  const page = badCursor ? null : await loadPage(workspace.id, cursor);

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Invoices</h1>
      <p className="mt-2 max-w-2xl text-sm text-slate-600">
        Every invoice of this workspace’s subscription, newest first. Amounts are in the invoice’s
        currency.
      </p>
      <div className="mt-6">
        {!page ? (
          <FormAlert tone="error">
            This page of invoices does not exist (the link may be incomplete).{" "}
            <Link href={PAGE} className="font-medium underline underline-offset-2">
              Show your latest invoices
            </Link>
            .
          </FormAlert>
        ) : page.data.length === 0 ? (
          cursor ? (
            <EmptyState>
              No older invoices.{" "}
              <Link href={PAGE} className={linkClass}>
                Show your latest invoices
              </Link>
              .
            </EmptyState>
          ) : (
            <EmptyState>
              <h2 className="text-lg font-semibold text-slate-900">No invoices yet</h2>
              <p className="mt-2">
                Invoices appear here once the workspace subscribes to a paid plan.
              </p>
              <LinkButton href="/pricing" className="mt-4">
                See plans and pricing
              </LinkButton>
            </EmptyState>
          )
        ) : (
          <>
            <InvoiceTable invoices={page.data} caption="Invoices, newest first" />
            {(cursor || page.nextCursor) && (
              <nav aria-label="Invoice pages" className="mt-4 flex flex-wrap gap-3 text-sm">
                {cursor && (
                  <Link href={PAGE} className={linkClass}>
                    Newest invoices
                  </Link>
                )}
                {page.nextCursor && (
                  <Link
                    href={`${PAGE}?cursor=${encodeURIComponent(page.nextCursor)}`}
                    className={`ml-auto ${linkClass}`}
                  >
                    Older invoices
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
