import { and, eq, ne } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { subscriptions } from "@/db/schema";
import { getEntitlements } from "@/lib/billing/entitlements";
import { resumeSubscription } from "@/lib/billing/service/resume";
import {
  createTestUser,
  givePastSubscription,
  subscribe,
  type TestUser,
  useBillingTest,
  userRequest,
} from "@/lib/testing/billing";
import { testRequest, withParams } from "@/lib/testing/http";
import { createWorkspace } from "@/lib/workspaces/workspaces";
import { POST as cancelRoute } from "./cancel/route";
import { POST as resumeRoute } from "./resume/route";

const t = useBillingTest();

const ROUTES = { cancel: cancelRoute, resume: resumeRoute } as const;

/** POST /api/admin/workspaces/:id/subscription/<action>, as `caller` (null: signed out). */
function post(
  action: keyof typeof ROUTES,
  caller: TestUser | null,
  workspaceId: string,
  body?: unknown,
): Promise<Response> {
  const path = `/api/admin/workspaces/${workspaceId}/subscription/${action}`;
  const request = caller
    ? userRequest(caller, path, { method: "POST", body })
    : testRequest(path, { method: "POST", body });
  return ROUTES[action](request, withParams({ id: workspaceId }));
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

/** The workspace's subscription row that has not ended. */
async function liveRow(workspaceId: string) {
  const [row] = await t.db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.workspaceId, workspaceId), ne(subscriptions.status, "canceled")));
  return row;
}

/** A team workspace owned by a new user, on an active (not trialing) Pro subscription. */
async function payingTeam(name: string): Promise<{ owner: TestUser; team: TestUser }> {
  const owner = await createTestUser(t, `${name}-owner`);
  const workspace = await createWorkspace(t.db, {
    userId: owner.id,
    name: `Team ${name}`,
    slug: `team-${name}`,
  });
  // The owner acting in the team: the billing helpers act on `workspaceId`.
  const team = { ...owner, workspaceId: workspace.id, workspaceSlug: workspace.slug };
  await givePastSubscription(t, team);
  expect((await subscribe(t, team, "pro", "monthly")).status).toBe("active");
  return { owner, team };
}

describe("site-admin subscription routes of a workspace", () => {
  it("answer 404 to a signed-in non-admin, even the workspace's owner, and 401 when signed out", async () => {
    const { owner, team } = await payingTeam("hidden");
    for (const action of ["cancel", "resume"] as const) {
      const refused = await post(action, owner, team.workspaceId);
      expect(refused.status).toBe(404);
      expect((await post(action, null, team.workspaceId)).status).toBe(401);
    }
    expect(await liveRow(team.workspaceId)).toMatchObject({
      status: "active",
      cancelAtPeriodEnd: false,
    });
  });

  it("let an admin end a workspace's subscription at once, leaving its owner's personal plan", async () => {
    const { owner, team } = await payingTeam("ended");
    // Their personal workspace on a Pro trial.
    await subscribe(t, owner, "pro", "monthly");
    const admin = await createTestUser(t, "ending-admin", "admin");

    const ended = await post("cancel", admin, team.workspaceId);
    expect(ended.status).toBe(200);
    expect(((await ended.json()) as { subscription: { status: string } }).subscription.status).toBe(
      "canceled",
    );
    expect((await getEntitlements(t.db, team.workspaceId)).tier).toBe("free");
    expect((await getEntitlements(t.db, owner.workspaceId)).tier).toBe("pro");

    const nothingLeft = await post("cancel", admin, team.workspaceId);
    expect(nothingLeft.status).toBe(404);
    expect((await errorOf(nothingLeft)).code).toBe("no_subscription");
  });

  it("let an admin schedule the end for the period end, which only an admin can undo", async () => {
    const { owner, team } = await payingTeam("later");
    const admin = await createTestUser(t, "later-admin", "admin");

    const scheduled = await post("cancel", admin, team.workspaceId, { immediately: false });
    expect(scheduled.status).toBe(200);
    expect(await liveRow(team.workspaceId)).toMatchObject({
      status: "active",
      cancelAtPeriodEnd: true,
      cancelRequestedBy: "admin",
    });

    // The workspace's owner, authorised for its billing, still cannot undo an admin's.
    await expect(
      resumeSubscription({
        db: t.db,
        stripe: t.stripe,
        workspaceId: team.workspaceId,
        actor: { id: owner.id, siteAdmin: false },
      }),
    ).rejects.toMatchObject({ code: "forbidden" });

    const undone = await post("resume", admin, team.workspaceId);
    expect(undone.status).toBe(200);
    expect(await liveRow(team.workspaceId)).toMatchObject({
      cancelAtPeriodEnd: false,
      cancelRequestedBy: null,
    });
    const again = await post("resume", admin, team.workspaceId);
    expect(again.status).toBe(409);
  });

  it("answer 404 for a workspace that does not exist", async () => {
    const admin = await createTestUser(t, "lost-admin", "admin");
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-workspace", admin.id]) {
      for (const action of ["cancel", "resume"] as const) {
        const response = await post(action, admin, id);
        expect(response.status).toBe(404);
        expect(await errorOf(response)).toEqual({
          code: "not_found",
          message: "No such workspace.",
        });
      }
    }
  });
});
