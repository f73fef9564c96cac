// GET /account/usage — the address from before workspaces: 307 to /w/<current workspace>/usage,
// query string kept (see toCurrentWorkspace).
import { NEEDS } from "@/lib/workspaces/access";
import { toCurrentWorkspace } from "../to-current-workspace";

export const GET = toCurrentWorkspace("usage", NEEDS.use);
