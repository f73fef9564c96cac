import "server-only";
import type Stripe from "stripe";
import type { Database } from "@/db";

/**
 * What every billing service function is handed explicitly: the database and the Stripe client.
 * Route handlers pass the process-wide ones (`getDb()`, `getStripe()`); tests pass their own.
 */
export interface BillingDeps {
  db: Database;
  stripe: Stripe;
}
