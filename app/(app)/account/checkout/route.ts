// GET|POST /account/checkout?plan=&period= — where the pricing page's buttons lead: 307 (method
// and body kept) to /w/<current workspace>/checkout, which starts Checkout for that workspace.
import { NEEDS } from "@/lib/workspaces/access";
import { oldAccountRoute } from "../to-current-workspace";

export const GET = oldAccountRoute("checkout", NEEDS.billing);
export const POST = GET;
