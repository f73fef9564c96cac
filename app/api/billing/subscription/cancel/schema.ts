import { z } from "zod";

/** JSON sends a boolean; a form sends a string (a checked checkbox sends "on"). */
const flag = z.union([
  z.boolean(),
  z.enum(["true", "on", "false"]).transform((value) => value !== "false"),
]);

/** POST /api/billing/subscription/cancel — `immediately` is for admins only. */
export const cancelSubscriptionSchema = z.object({
  immediately: flag.optional(),
});
