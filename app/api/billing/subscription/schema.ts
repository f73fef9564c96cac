import { z } from "zod";
import { planChoiceSchema } from "@/lib/billing/catalog/plan-choice";

/** GET /api/billing/subscription?plan=&period= — the change to preview. */
export const previewChangeSchema = planChoiceSchema;

/**
 * POST /api/billing/subscription: the plan to move to, and optionally the `prorationDate` of
 * the preview the user confirmed (so the charge is the amount they saw).
 */
export const changeSubscriptionSchema = planChoiceSchema.extend({
  prorationDate: z.coerce.number().int().positive().optional(),
});
