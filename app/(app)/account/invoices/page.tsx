// /account/invoices — the address from before workspaces: redirects to /w/<current workspace>/invoices,
// query string kept (see oldAccountPage).
import { NEEDS } from "@/lib/workspaces/access";
import { oldAccountPage } from "../to-current-workspace";

export const dynamic = "force-dynamic";

export default oldAccountPage("invoices", NEEDS.invoices);
