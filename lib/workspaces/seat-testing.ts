/**
 * Test support for seats: membership changes made as the members and invitations code makes
 * them (one transaction: the member row, the version bump, `requestSeatSync`), and a workspace
 * paying for a plan with a number of members, its seats already synced by the real job.
 */
import { and, eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "@/db";
import { workspaceMembers, workspaces } from "@/db/schema";
import { type BillingPeriod, planAmount } from "@/lib/billing/catalog/plans";
import {
  type BillingTest,
  createTestUser,
  givePastSubscription,
  subscribe,
  type TestUser,
} from "@/lib/testing/billing";
import { requestSeatSync } from "./seats";

export async function addTestMember(
  t: BillingTest,
  workspaceId: string,
  user: Pick<TestUser, "id">,
): Promise<void> {
  await t.db.transaction(async (tx) => {
    await tx.insert(workspaceMembers).values({ workspaceId, userId: user.id, role: "member" });
    await recordChange(tx, workspaceId);
  });
}

export async function removeTestMember(
  t: BillingTest,
  workspaceId: string,
  userId: string,
): Promise<void> {
  await t.db.transaction(async (tx) => {
    await tx
      .delete(workspaceMembers)
      .where(
        and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)),
      );
    await recordChange(tx, workspaceId);
  });
}

/** A new membership version and the seat sync asked for, as every membership change ends. */
export async function recordChange(tx: Database, workspaceId: string): Promise<void> {
  await tx
    .update(workspaces)
    .set({ membershipVersion: sql`${workspaces.membershipVersion} + 1` })
    .where(eq(workspaces.id, workspaceId));
  await requestSeatSync(tx, workspaceId);
}

/**
 * An owner's workspace on a paid plan with `members` members (the owner and new people), the
 * seat jobs run. Past its trial unless `trial` (prorations apply only after it).
 */
export async function paidTestWorkspace(
  t: BillingTest,
  name: string,
  options: {
    members: number;
    plan?: "pro" | "enterprise";
    period?: "monthly" | "yearly";
    trial?: boolean;
  },
): Promise<{ owner: TestUser; subscriptionId: string }> {
  const owner = await createTestUser(t, name);
  if (!options.trial) await givePastSubscription(t, owner);
  const subscription = await subscribe(
    t,
    owner,
    options.plan ?? "pro",
    options.period ?? "monthly",
  );
  for (let added = 1; added < options.members; added++) {
    await addTestMember(t, owner.workspaceId, await createTestUser(t, `${name}-member`));
  }
  await t.runJobs();
  return { owner, subscriptionId: subscription.id };
}

/** The proration lines waiting for the subscription's next invoice, as Stripe previews it. */
export async function pendingProrations(
  t: BillingTest,
  subscriptionId: string,
): Promise<Stripe.InvoiceLineItem[]> {
  const upcoming = await t.stripe.invoices.createPreview({ subscription: subscriptionId });
  return upcoming.lines.data.filter((line) => line.parent?.subscription_item_details?.proration);
}

/**
 * Stripe's proration of a Pro seat change from `from` to `to` members at `at` (unix seconds), by
 * hand: the unused time of the old amount credited and the rest of the period at the new amount
 * charged, each line rounded to the cent, over the item's current period.
 */
export function expectedProration(
  change: { period: BillingPeriod; from: number; to: number; at: number },
  item: Pick<Stripe.SubscriptionItem, "current_period_start" | "current_period_end">,
): number {
  const { period, from, to, at } = change;
  const { current_period_start: start, current_period_end: end } = item;
  const remaining = (end - at) / (end - start);
  return (
    Math.round(planAmount("pro", period, to) * remaining) -
    Math.round(planAmount("pro", period, from) * remaining)
  );
}
