import "server-only";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db";
import { type Customer, customers, users, workspaceMembers, workspaces } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { callStripe } from "../stripe/call-stripe";
import type { BillingDeps } from "../stripe/client";

/** The workspace's live Stripe customer link, or null (none yet, or Stripe deleted it). */
export async function findCustomer(db: Database, workspaceId: string): Promise<Customer | null> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), isNull(customers.deletedAt)));
  return row ?? null;
}

/**
 * The workspace's Stripe customer id, creating the customer (its owner's email, the workspace's
 * name — the owner's name for a personal workspace —, `metadata.workspaceId`) and our link to
 * it on first use: one customer per workspace, never shared between two. A link whose customer
 * Stripe deleted is pointed at a new customer.
 *
 * Contract — idempotent and safe under concurrency: the create carries an idempotency key made
 * of our ids (`customer-create:<workspaceId>`, plus the deleted customer's id when replacing one, so
 * a replacement is not answered with the deleted customer), so concurrent first calls get the
 * same Stripe customer; the link is written with ON CONFLICT DO NOTHING and read back, so the
 * first writer wins and every caller returns the same id. May throw AppErrors from Stripe.
 */
export async function getOrCreateCustomer({
  db,
  stripe,
  workspaceId,
}: BillingDeps & { workspaceId: string }): Promise<string> {
  const [existing] = await db
    .select()
    .from(customers)
    .where(eq(customers.workspaceId, workspaceId));
  if (existing && !existing.deletedAt) return existing.stripeCustomerId;

  const [owner] = await db
    .select({
      email: users.email,
      name: users.name,
      workspaceName: workspaces.name,
      personal: workspaces.personalUserId,
    })
    .from(workspaces)
    .innerJoin(
      workspaceMembers,
      and(eq(workspaceMembers.workspaceId, workspaces.id), eq(workspaceMembers.role, "owner")),
    )
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(eq(workspaces.id, workspaceId))
    .orderBy(asc(workspaceMembers.createdAt))
    .limit(1);
  if (!owner) throw new AppError("not_found", "No such workspace.");
  const name = owner.personal ? owner.name : owner.workspaceName;

  const idempotencyKey = existing
    ? `customer-create:${workspaceId}:replaces:${existing.stripeCustomerId}`
    : `customer-create:${workspaceId}`;
  const customer = await callStripe("customers.create", () =>
    stripe.customers.create(
      {
        ...(owner.email ? { email: owner.email } : {}),
        ...(name ? { name } : {}),
        metadata: { workspaceId },
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
            eq(customers.workspaceId, workspaceId),
            eq(customers.stripeCustomerId, existing.stripeCustomerId),
          ),
        )
        .returning({ stripeCustomerId: customers.stripeCustomerId })
    : await db
        .insert(customers)
        .values({ workspaceId, stripeCustomerId: customer.id, email: customer.email })
        .onConflictDoNothing()
        .returning({ stripeCustomerId: customers.stripeCustomerId });
  if (written) {
    log.info({ workspaceId, stripeCustomerId: customer.id }, "stripe customer linked");
    return written.stripeCustomerId;
  }

  // Another request linked a customer first (or the webhook did, from metadata.workspaceId).
  const [winner] = await db
    .select({ stripeCustomerId: customers.stripeCustomerId })
    .from(customers)
    .where(eq(customers.workspaceId, workspaceId));
  if (!winner)
    throw new Error(`customer link of workspace ${workspaceId} vanished while being written`);
  if (winner.stripeCustomerId !== customer.id) {
    log.warn(
      { workspaceId, stripeCustomerId: winner.stripeCustomerId, unused: customer.id },
      "another Stripe customer was linked first; the new one is unused",
    );
  }
  return winner.stripeCustomerId;
}
