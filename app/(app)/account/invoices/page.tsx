// /account/invoices — the address from before workspaces: redirects to /w/<current workspace>/invoices,
// query string kept (see redirectToCurrentWorkspace).
import { NEEDS } from "@/lib/workspaces/access";
import { redirectToCurrentWorkspace, type SearchParams } from "../to-current-workspace";

export const dynamic = "force-dynamic";

export default function OldInvoicesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  return redirectToCurrentWorkspace("invoices", NEEDS.invoices, searchParams);
}
