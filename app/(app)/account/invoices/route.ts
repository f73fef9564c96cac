// GET /account/invoices — the address from before workspaces: 307 to /w/<current workspace>/invoices,
// query string kept (see toCurrentWorkspace).
import { NEEDS } from "@/lib/workspaces/access";
import { toCurrentWorkspace } from "../to-current-workspace";

export const GET = toCurrentWorkspace("invoices", NEEDS.invoices);
