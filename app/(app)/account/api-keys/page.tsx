// /account/api-keys — the address from before workspaces: redirects to /w/<current workspace>/api-keys,
// query string kept (see redirectToCurrentWorkspace).
import { NEEDS } from "@/lib/workspaces/access";
import { redirectToCurrentWorkspace, type SearchParams } from "../to-current-workspace";

export const dynamic = "force-dynamic";

export default function OldApiKeysPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  return redirectToCurrentWorkspace("api-keys", NEEDS.apiKeys, searchParams);
}
