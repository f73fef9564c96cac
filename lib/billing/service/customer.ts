import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db";
import { type Customer, customers, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { callStripe } from "../stripe/call-stripe";
import type { BillingDeps } from "../stripe/client";

/** The user's live Stripe customer link, or null (none yet, or Stripe deleted it). */
export async function findCustomer(db: Database, userId: string): Promise<Customer | null> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.userId, userId), isNull(customers.deletedAt)));
  return row ?? null;
}

/**
 * The user's Stripe customer id, creating the customer (email, name, `metadata.userId`) and our
 * link to it on first use. A link whose customer Stripe deleted is pointed at a new customer.
 *
 * Contract — idempotent and safe under concurrency: the create carries an idempotency key made
 * of our ids (`customer-create:<userId>`, plus the deleted customer's id when replacing one, so
 * a replacement is not answered with the deleted customer), so concurrent first calls get the
 * same Stripe customer; the link is written with ON CONFLICT DO NOTHING and read back, so the
 * first writer wins and every caller returns the same id. May throw AppErrors from Stripe.
 */
export async function getOrCreateCustomer({
  db,
  stripe,
  userId,
}: BillingDeps & { userId: string }): Promise<string> {
  const [existing] = await db.select().from(customers).where(eq(customers.userId, userId));
  if (existing && !existing.deletedAt) return existing.stripeCustomerId;

  const [user] = await db
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw new AppError("not_found", "No such user.");

  const idempotencyKey = existing
    ? `customer-create:${userId}:replaces:${existing.stripeCustomerId}`
    : `customer-create:${userId}`;
  const customer = await callStripe("customers.create", () =>
    stripe.customers.create(
      {
        ...(user.email ? { email: user.email } : {}),
        ...(user.name ? { name: user.name } : {}),
        metadata: { userId },
      },
      { idempotencyKey },
    ),
  );

  const [written] = existing
    ? await db
        .update(customers)
        .set({ stripeCustomerId: customer.id, email: customer.email, deletedAt: null })
        .where(
          and(
            eq(customers.userId, userId),
            eq(customers.stripeCustomerId, existing.stripeCustomerId),
          ),
        )
        .returning({ stripeCustomerId: customers.stripeCustomerId })
    : await db
        .insert(customers)
        .values({ userId, stripeCustomerId: customer.id, email: customer.email })
        .onConflictDoNothing()
        .returning({ stripeCustomerId: customers.stripeCustomerId });
  if (written) {
    log.info({ userId, stripeCustomerId: customer.id }, "stripe customer linked");
    return written.stripeCustomerId;
  }

  // Another request linked a customer first (or the webhook did, from metadata.userId).
  const [winner] = await db
    .select({ stripeCustomerId: customers.stripeCustomerId })
    .from(customers)
    .where(eq(customers.userId, userId));
  if (!winner) throw new Error(`customer link for user ${userId} vanished while being written`);
  if (winner.stripeCustomerId !== customer.id) {
    log.warn(
      { userId, stripeCustomerId: winner.stripeCustomerId, unused: customer.id },
      "another Stripe customer was linked first; the new one is unused",
    );
  }
  return winner.stripeCustomerId;
}
