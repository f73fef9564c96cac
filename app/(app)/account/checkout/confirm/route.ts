// GET /account/checkout/confirm?plan=&period= — 307 to the current workspace's confirmation.
import { NEEDS } from "@/lib/workspaces/access";
import { oldAccountRoute } from "../../to-current-workspace";

export const GET = oldAccountRoute("checkout/confirm", NEEDS.billing);
