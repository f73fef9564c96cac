import { planChoiceSchema } from "../schema";

/** POST /api/billing/checkout, as JSON or as a plain form's fields. */
export const checkoutSchema = planChoiceSchema;
