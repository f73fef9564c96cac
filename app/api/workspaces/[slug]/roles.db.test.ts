// Who may call each workspace route of the billing and API-key areas: the role check runs
// before anything else, so a refused call changes nothing, in Stripe or in Postgres.
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey, listApiKeys } from "@/lib/auth/api-keys";
import { findCustomer } from "@/lib/billing/service/customer";
import { createTestUser, type TestUser, useBillingTest, userRequest } from "@/lib/testing/billing";
import { withParams } from "@/lib/testing/http";
import { deleteMembership, insertMembership } from "@/lib/testing/workspace-members";
import { DELETE as revokeKeyRoute } from "./api-keys/[id]/route";
import { POST as createKeyRoute, GET as listKeysRoute } from "./api-keys/route";
import { POST as checkoutRoute } from "./billing/checkout/route";
import { GET as invoicesRoute } from "./billing/invoices/route";
import { POST as portalRoute } from "./billing/portal/route";
import { POST as cancelRoute } from "./billing/subscription/cancel/route";
import { POST as resumeRoute } from "./billing/subscription/resume/route";
import { POST as changeRoute, GET as previewRoute } from "./billing/subscription/route";

const t = useBillingTest();

/** One call of a workspace route, by `user`, on the workspace at `slug`. */
type Call = (user: TestUser, slug: string) => Promise<Response>;

const at = (slug: string, path: string) => `/api/workspaces/${slug}/${path}`;

const BILLING_ROUTES: Record<string, Call> = {
  "POST billing/checkout": (user, slug) =>
    checkoutRoute(
      userRequest(user, at(slug, "billing/checkout"), { body: { plan: "pro", period: "monthly" } }),
      withParams({ slug }),
    ),
  "POST billing/portal": (user, slug) =>
    portalRoute(
      userRequest(user, at(slug, "billing/portal"), { method: "POST" }),
      withParams({ slug }),
    ),
  "GET billing/subscription": (user, slug) =>
    previewRoute(
      userRequest(user, at(slug, "billing/subscription?plan=enterprise&period=monthly")),
      withParams({ slug }),
    ),
  "POST billing/subscription": (user, slug) =>
    changeRoute(
      userRequest(user, at(slug, "billing/subscription"), {
        body: { plan: "enterprise", period: "monthly" },
      }),
      withParams({ slug }),
    ),
  "POST billing/subscription/cancel": (user, slug) =>
    cancelRoute(
      userRequest(user, at(slug, "billing/subscription/cancel"), { method: "POST", body: {} }),
      withParams({ slug }),
    ),
  "POST billing/subscription/resume": (user, slug) =>
    resumeRoute(
      userRequest(user, at(slug, "billing/subscription/resume"), { method: "POST" }),
      withParams({ slug }),
    ),
  "GET billing/invoices": (user, slug) =>
    invoicesRoute(userRequest(user, at(slug, "billing/invoices")), withParams({ slug })),
};

const listKeys: Call = (user, slug) =>
  listKeysRoute(userRequest(user, at(slug, "api-keys")), withParams({ slug }));
const createKey: Call = (user, slug) =>
  createKeyRoute(
    userRequest(user, at(slug, "api-keys"), { body: { name: `${user.email}'s key` } }),
    withParams({ slug }),
  );
const revokeKey =
  (id: string): Call =>
  (user, slug) =>
    revokeKeyRoute(
      userRequest(user, at(slug, `api-keys/${id}`), { method: "DELETE" }),
      withParams({ slug, id }),
    );

async function codeOf(response: Response): Promise<string | undefined> {
  const body = (await response.json()) as { error?: { code: string } };
  return body.error?.code;
}

let owner: TestUser;
let admin: TestUser;
let member: TestUser;
let outsider: TestUser;
let removed: TestUser;

beforeAll(async () => {
  owner = await createTestUser(t, "team-owner");
  admin = await createTestUser(t, "team-admin");
  member = await createTestUser(t, "team-member");
  outsider = await createTestUser(t, "outsider");
  removed = await createTestUser(t, "removed");
  const { workspaceId } = owner;
  await insertMembership(t.db, { workspaceId, userId: admin.id, role: "admin" });
  await insertMembership(t.db, { workspaceId, userId: member.id, role: "member" });
  // A former admin whose session is still live.
  await insertMembership(t.db, { workspaceId, userId: removed.id, role: "admin" });
  await deleteMembership(t.db, { workspaceId, userId: removed.id });
});

describe("the workspace billing API", () => {
  it.each(Object.entries(BILLING_ROUTES))("%s: 403 for a member", async (_name, call) => {
    const response = await call(member, owner.workspaceSlug);
    expect(response.status).toBe(403);
    expect(await codeOf(response)).toBe("forbidden");
  });

  it.each(Object.entries(BILLING_ROUTES))(
    "%s: 404 for a non-member and for a removed admin with a live session",
    async (_name, call) => {
      for (const user of [outsider, removed]) {
        const response = await call(user, owner.workspaceSlug);
        expect([user.email, response.status]).toEqual([user.email, 404]);
        expect(await codeOf(response)).toBe("not_found");
      }
    },
  );

  it("opens to the workspace's admins: they pass the role check", async () => {
    const invoices = await BILLING_ROUTES["GET billing/invoices"]?.(admin, owner.workspaceSlug);
    expect(invoices?.status).toBe(200);
    // Past the role check, the portal finds no customer: nothing was bought yet.
    const portal = await BILLING_ROUTES["POST billing/portal"]?.(admin, owner.workspaceSlug);
    expect(portal?.status).toBe(404);
    expect(portal && (await codeOf(portal))).toBe("no_customer");
  });

  it("created nothing for any refused call", async () => {
    expect(await findCustomer(t.db, owner.workspaceId)).toBeNull();
  });
});

describe("the workspace API-keys API", () => {
  it("lets a member list, create and revoke the workspace's keys", async () => {
    const created = await createKey(member, owner.workspaceSlug);
    expect(created.status).toBe(201);
    const { apiKey } = (await created.json()) as { apiKey: { id: string } };
    const listed = await listKeys(member, owner.workspaceSlug);
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { data: { id: string }[] }).data.map((key) => key.id)).toEqual(
      [apiKey.id],
    );
    expect((await revokeKey(apiKey.id)(member, owner.workspaceSlug)).status).toBe(204);
    expect(await listApiKeys(t.db, owner.workspaceId)).toEqual([]);
  });

  it("answers 404 to a non-member and a removed member, on every method, touching no key", async () => {
    const key = await createApiKey(t.db, {
      userId: owner.id,
      workspaceId: owner.workspaceId,
      sessionVersion: 0,
      name: "production",
    });
    for (const user of [outsider, removed]) {
      for (const call of [listKeys, createKey, revokeKey(key.id)]) {
        const response = await call(user, owner.workspaceSlug);
        expect([user.email, response.status]).toEqual([user.email, 404]);
      }
    }
    expect((await listApiKeys(t.db, owner.workspaceId)).map((row) => row.id)).toEqual([key.id]);
  });

  it("never revokes another workspace's key through one's own workspace", async () => {
    const key = await createApiKey(t.db, {
      userId: owner.id,
      workspaceId: owner.workspaceId,
      sessionVersion: 0,
      name: "elsewhere",
    });
    const response = await revokeKey(key.id)(outsider, outsider.workspaceSlug);
    expect(response.status).toBe(404);
    expect((await listApiKeys(t.db, owner.workspaceId)).map((row) => row.id)).toContain(key.id);
  });
});
