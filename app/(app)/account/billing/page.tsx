// /account/billing — the address from before workspaces: redirects to /w/<current workspace>/billing,
// query string kept (see redirectToCurrentWorkspace).
import { NEEDS } from "@/lib/workspaces/access";
import { redirectToCurrentWorkspace, type SearchParams } from "../to-current-workspace";

export const dynamic = "force-dynamic";

export default function OldBillingPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  return redirectToCurrentWorkspace("billing", NEEDS.billing, searchParams);
}
