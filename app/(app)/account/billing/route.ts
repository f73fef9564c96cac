// GET /account/billing — the address from before workspaces: 307 to /w/<current workspace>/billing,
// query string kept (see toCurrentWorkspace).
import { NEEDS } from "@/lib/workspaces/access";
import { toCurrentWorkspace } from "../to-current-workspace";

export const GET = toCurrentWorkspace("billing", NEEDS.billing);
