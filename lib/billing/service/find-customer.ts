import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db";
import { type Customer, customers } from "@/db/schema";

/** The user's live Stripe customer link, or null (none yet, or Stripe deleted it). */
export async function findCustomer(db: Database, userId: string): Promise<Customer | null> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.userId, userId), isNull(customers.deletedAt)));
  return row ?? null;
}
