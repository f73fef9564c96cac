// /account/usage — the address from before workspaces: redirects to /w/<current workspace>/usage,
// query string kept (see redirectToCurrentWorkspace).
import { NEEDS } from "@/lib/workspaces/access";
import { redirectToCurrentWorkspace, type SearchParams } from "../to-current-workspace";

export const dynamic = "force-dynamic";

export default function OldUsagePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  return redirectToCurrentWorkspace("usage", NEEDS.use, searchParams);
}
