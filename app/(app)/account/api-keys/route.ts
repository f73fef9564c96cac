// GET /account/api-keys — the address from before workspaces: 307 to /w/<current workspace>/api-keys,
// query string kept (see toCurrentWorkspace).
import { NEEDS } from "@/lib/workspaces/access";
import { toCurrentWorkspace } from "../to-current-workspace";

export const GET = toCurrentWorkspace("api-keys", NEEDS.apiKeys);
