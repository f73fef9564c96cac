import { z } from "zod";
import { BILLING_PERIODS, PLAN_TIERS } from "@/lib/billing/plans";

/** A plan and billing period from the catalog; the server resolves the price from them. */
export const planChoiceSchema = z.object({
  plan: z.enum(PLAN_TIERS),
  period: z.enum(BILLING_PERIODS),
});
