import { z } from "zod";
import { BILLING_PERIODS, PLAN_TIERS } from "./plans";

/**
 * A plan and billing period from the catalog, as every caller sends them (a form, a link, the
 * API); the server resolves the price from them.
 */
export const planChoiceSchema = z.object({
  plan: z.enum(PLAN_TIERS),
  period: z.enum(BILLING_PERIODS),
});
