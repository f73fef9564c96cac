import { and, eq, ne } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { subscriptions, workspaceMembers } from "@/db/schema";
import {
  createTestUser,
  givePastSubscription,
  subscribe,
  type TestUser,
  useBillingTest,
} from "@/lib/testing/billing";
import { getEntitlements } from "../entitlements";
import type { BillingActor } from "../stripe/client";
import { cancelSubscription } from "./cancel";
import { resumeSubscription } from "./resume";

const t = useBillingTest();

/** A workspace owner on Pro (active, not trialing), mirrored in Postgres. */
async function subscribedOwner(name: string): Promise<TestUser> {
  const owner = await createTestUser(t, name);
  await givePastSubscription(t, owner);
  const subscription = await subscribe(t, owner, "pro", "monthly");
  expect(subscription.status).toBe("active");
  return owner;
}

/** Who acts: a workspace's owner or admin on its billing page, or a site admin in /admin. */
const member = (user: TestUser): BillingActor => ({ id: user.id, siteAdmin: false });
const siteAdmin = (user: TestUser): BillingActor => ({ id: user.id, siteAdmin: true });

const cancel = (workspace: TestUser, actor: BillingActor, immediately = false) =>
  cancelSubscription({
    db: t.db,
    stripe: t.stripe,
    workspaceId: workspace.workspaceId,
    actor,
    immediately,
  });
const resume = (workspace: TestUser, actor: BillingActor) =>
  resumeSubscription({ db: t.db, stripe: t.stripe, workspaceId: workspace.workspaceId, actor });

async function currentRow(workspace: TestUser) {
  const [row] = await t.db
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.workspaceId, workspace.workspaceId),
        ne(subscriptions.status, "canceled"),
      ),
    );
  return row;
}

describe("cancelSubscription", () => {
  it("lets only a site admin end a workspace's subscription at once", async () => {
    const owner = await subscribedOwner("ends-now");
    await expect(cancel(owner, member(owner), true)).rejects.toMatchObject({ code: "forbidden" });
    expect(await currentRow(owner)).toMatchObject({ status: "active", cancelAtPeriodEnd: false });

    const admin = await createTestUser(t, "ends-now-admin", "admin");
    const ended = await cancel(owner, siteAdmin(admin), true);
    expect(ended.subscription.status).toBe("canceled");
    expect((await getEntitlements(t.db, owner.workspaceId)).tier).toBe("free");
  });

  it("records a member's cancellation as the user's, and lets them resume it", async () => {
    const owner = await subscribedOwner("own-cancel");
    await cancel(owner, member(owner));
    expect(await currentRow(owner)).toMatchObject({
      cancelAtPeriodEnd: true,
      cancelRequestedBy: "user",
    });
    await expect(cancel(owner, member(owner))).rejects.toMatchObject({ code: "conflict" });
    await resume(owner, member(owner));
    expect(await currentRow(owner)).toMatchObject({
      cancelAtPeriodEnd: false,
      cancelRequestedBy: null,
    });
  });
});

describe("resumeSubscription", () => {
  it("undoes a site admin's cancellation only for a site admin, not for the workspace's owner or admins", async () => {
    const owner = await subscribedOwner("admin-ends");
    const workspaceAdmin = await createTestUser(t, "admin-ends-billing");
    await t.db
      .insert(workspaceMembers)
      .values({ workspaceId: owner.workspaceId, userId: workspaceAdmin.id, role: "admin" });
    const support = await createTestUser(t, "admin-ends-support", "admin");

    await cancel(owner, siteAdmin(support));
    expect(await currentRow(owner)).toMatchObject({
      cancelAtPeriodEnd: true,
      cancelRequestedBy: "admin",
    });

    for (const actor of [member(owner), member(workspaceAdmin), member(support)]) {
      await expect(resume(owner, actor)).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await currentRow(owner)).toMatchObject({ cancelAtPeriodEnd: true });

    await resume(owner, siteAdmin(support));
    expect(await currentRow(owner)).toMatchObject({
      cancelAtPeriodEnd: false,
      cancelRequestedBy: null,
    });
  });

  it("answers 409 when nothing is set to end", async () => {
    const owner = await subscribedOwner("nothing-to-resume");
    await expect(resume(owner, member(owner))).rejects.toMatchObject({ code: "conflict" });
  });
});
