/**
 * Test support for seats: membership changes made as the members and invitations code makes
 * them (one transaction: the member row, the version bump, `requestSeatSync`), and a workspace
 * paying for a plan with a number of members, its seats already synced by the real job.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { workspaceMembers, workspaces } from "@/db/schema";
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
