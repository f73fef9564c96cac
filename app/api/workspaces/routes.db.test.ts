import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { subscriptions, workspaces } from "@/db/schema";
import { useAppDatabase } from "@/db/testing";
import { noParams, type TestRequestInit, testRequest, withParams } from "@/lib/testing/http";
import { createInvitation } from "@/lib/workspaces/invitations";
import { removeMember } from "@/lib/workspaces/members";
import { createPerson, createTeam, type Person } from "@/lib/workspaces/testing";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { POST as acceptRoute } from "../invitations/[token]/accept/route";
import { POST as resendRoute } from "./[slug]/invitations/[id]/resend/route";
import { DELETE as revokeRoute } from "./[slug]/invitations/[id]/route";
import { POST as inviteRoute, GET as listInvitationsRoute } from "./[slug]/invitations/route";
import { DELETE as removeRoute, PATCH as roleRoute } from "./[slug]/members/[userId]/route";
import { GET as membersRoute } from "./[slug]/members/route";
import {
  DELETE as deleteWorkspaceRoute,
  PATCH as updateWorkspaceRoute,
  GET as workspaceRoute,
} from "./[slug]/route";
import { POST as transferRoute } from "./[slug]/transfer/route";
import { POST as createWorkspaceRoute, GET as listWorkspacesRoute } from "./route";

const t = useAppDatabase();

type Handler = (request: Request, context: { params: Promise<never> }) => Promise<Response>;

const as = (person: Person, path: string, init: TestRequestInit = {}) =>
  testRequest(path, { ...init, cookie: person.cookie });

async function call(
  handler: unknown,
  request: Request,
  params: Record<string, string>,
): Promise<Response> {
  return (handler as Handler)(request, withParams(params) as { params: Promise<never> });
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return body.error;
}

/** Every workspace route, the least role it needs, and a request to it by `person`. */
interface Case {
  name: string;
  need: "member" | "admin" | "owner";
  send(person: Person, team: Team): Promise<Response>;
}

interface Team {
  slug: string;
  id: string;
  owner: Person;
  other: Person;
  invitationId: string;
}

const CASES: Case[] = [
  {
    name: "GET /api/workspaces/:slug",
    need: "member",
    send: (p, w) => call(workspaceRoute, as(p, `/api/workspaces/${w.slug}`), { slug: w.slug }),
  },
  {
    name: "PATCH /api/workspaces/:slug",
    need: "admin",
    send: (p, w) =>
      call(
        updateWorkspaceRoute,
        as(p, `/api/workspaces/${w.slug}`, { method: "PATCH", body: { name: "Renamed" } }),
        { slug: w.slug },
      ),
  },
  {
    name: "DELETE /api/workspaces/:slug",
    need: "owner",
    send: (p, w) =>
      call(deleteWorkspaceRoute, as(p, `/api/workspaces/${w.slug}`, { method: "DELETE" }), {
        slug: w.slug,
      }),
  },
  {
    name: "POST /api/workspaces/:slug/transfer",
    need: "owner",
    send: (p, w) =>
      call(
        transferRoute,
        as(p, `/api/workspaces/${w.slug}/transfer`, { body: { userId: w.other.id } }),
        { slug: w.slug },
      ),
  },
  {
    name: "GET /api/workspaces/:slug/members",
    need: "member",
    send: (p, w) =>
      call(membersRoute, as(p, `/api/workspaces/${w.slug}/members`), { slug: w.slug }),
  },
  {
    name: "PATCH /api/workspaces/:slug/members/:userId",
    need: "admin",
    send: (p, w) =>
      call(
        roleRoute,
        as(p, `/api/workspaces/${w.slug}/members/${w.other.id}`, {
          method: "PATCH",
          body: { role: "admin" },
        }),
        { slug: w.slug, userId: w.other.id },
      ),
  },
  {
    name: "DELETE /api/workspaces/:slug/members/:userId",
    need: "admin",
    send: (p, w) =>
      call(
        removeRoute,
        as(p, `/api/workspaces/${w.slug}/members/${w.other.id}`, { method: "DELETE" }),
        { slug: w.slug, userId: w.other.id },
      ),
  },
  {
    name: "GET /api/workspaces/:slug/invitations",
    need: "admin",
    send: (p, w) =>
      call(listInvitationsRoute, as(p, `/api/workspaces/${w.slug}/invitations`), {
        slug: w.slug,
      }),
  },
  {
    name: "POST /api/workspaces/:slug/invitations",
    need: "admin",
    send: (p, w) =>
      call(
        inviteRoute,
        as(p, `/api/workspaces/${w.slug}/invitations`, {
          body: { email: `new-${Math.random()}@example.com`, role: "member" },
        }),
        { slug: w.slug },
      ),
  },
  {
    name: "DELETE /api/workspaces/:slug/invitations/:id",
    need: "admin",
    send: (p, w) =>
      call(
        revokeRoute,
        as(p, `/api/workspaces/${w.slug}/invitations/${w.invitationId}`, { method: "DELETE" }),
        { slug: w.slug, id: w.invitationId },
      ),
  },
  {
    name: "POST /api/workspaces/:slug/invitations/:id/resend",
    need: "admin",
    send: (p, w) =>
      call(
        resendRoute,
        as(p, `/api/workspaces/${w.slug}/invitations/${w.invitationId}/resend`, {
          method: "POST",
        }),
        { slug: w.slug, id: w.invitationId },
      ),
  },
];

/** A team with an owner, another member, one open invitation, and `extra` in its roles. */
async function team(extra: [Person, "owner" | "admin" | "member"][] = []): Promise<Team> {
  const owner = await createPerson(t.db, "owner");
  const other = await createPerson(t.db, "other");
  const created = await createTeam(t.db, owner, [[other, "member"], ...extra]);
  const { invitation } = await createInvitation(t.db, {
    workspaceId: created.id,
    inviterId: owner.id,
    email: `invited-${Math.random()}@example.com`,
    role: "member",
  });
  return { ...created, owner, other, invitationId: invitation.id };
}

describe("who may call each workspace route", () => {
  let outsider: Person;
  beforeAll(async () => {
    outsider = await createPerson(t.db, "outsider");
  });

  for (const route of CASES) {
    it(`${route.name}: 404 for a non-member and for a removed member with a live session`, async () => {
      const w = await team();
      const outside = await route.send(outsider, w);
      expect(outside.status).toBe(404);
      expect((await errorOf(outside)).code).toBe("not_found");

      const removed = await createPerson(t.db, "removed");
      const w2 = await team([[removed, "admin"]]);
      await removeMember(t.db, { workspaceId: w2.id, actorId: w2.owner.id, userId: removed.id });
      expect((await route.send(removed, w2)).status).toBe(404);
    });

    it(`${route.name}: a member ${route.need === "member" ? "may call it" : "gets 403"}`, async () => {
      const member = await createPerson(t.db, "member");
      const w = await team([[member, "member"]]);
      const response = await route.send(member, w);
      if (route.need === "member") {
        expect(response.status).toBe(200);
      } else {
        expect(response.status).toBe(403);
        expect((await errorOf(response)).message).toMatch(/you are a member\.$/);
      }
    });

    if (route.need === "owner") {
      it(`${route.name}: an admin gets 403`, async () => {
        const admin = await createPerson(t.db, "admin");
        const w = await team([[admin, "admin"]]);
        expect((await route.send(admin, w)).status).toBe(403);
      });
    }
  }

  it("answers 401 without a session", async () => {
    const response = await call(workspaceRoute, testRequest("/api/workspaces/x"), { slug: "x" });
    expect(response.status).toBe(401);
  });
});

describe("workspaces", () => {
  it("creates a team workspace (201) and lists it with the caller's role, personal first", async () => {
    const person = await createPerson(t.db, "creator");
    const created = await createWorkspaceRoute(
      as(person, "/api/workspaces", { body: { name: "Acme Rockets" } }),
      noParams(),
    );
    expect(created.status).toBe(201);
    const { workspace } = (await created.json()) as { workspace: { slug: string } };
    expect(workspace).toMatchObject({ slug: "acme-rockets", role: "owner", personal: false });

    const taken = await createWorkspaceRoute(
      as(person, "/api/workspaces", { body: { name: "Again", slug: "acme-rockets" } }),
      noParams(),
    );
    expect(taken.status).toBe(409);

    const list = await listWorkspacesRoute(as(person, "/api/workspaces"), noParams());
    const { data } = (await list.json()) as { data: { slug: string; personal: boolean }[] };
    expect(data.map((row) => [row.personal, row.slug])).toEqual([
      [true, expect.stringMatching(/^personal-/)],
      [false, "acme-rockets"],
    ]);
  });

  it("renames a workspace and changes its address; 409 for a taken address", async () => {
    const w = await team();
    const renamed = await call(
      updateWorkspaceRoute,
      as(w.owner, `/api/workspaces/${w.slug}`, {
        method: "PATCH",
        body: { name: "New name", slug: `${w.slug}-x` },
      }),
      { slug: w.slug },
    );
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({
      workspace: { name: "New name", slug: `${w.slug}-x`, role: "owner" },
    });
    const other = await team();
    const taken = await call(
      updateWorkspaceRoute,
      as(other.owner, `/api/workspaces/${other.slug}`, {
        method: "PATCH",
        body: { slug: `${w.slug}-x` },
      }),
      { slug: other.slug },
    );
    expect(taken.status).toBe(409);
  });

  it("deletes a workspace, never while a subscription is live, never a personal one", async () => {
    const w = await team();
    await t.db.insert(subscriptions).values({
      workspaceId: w.id,
      stripeSubscriptionId: `sub_${w.id}`,
      stripeCustomerId: `cus_${w.id}`,
      planTier: "pro",
      billingPeriod: "monthly",
      status: "active",
    });
    const del = () =>
      call(deleteWorkspaceRoute, as(w.owner, `/api/workspaces/${w.slug}`, { method: "DELETE" }), {
        slug: w.slug,
      });
    const refused = await del();
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).message).toMatch(/active subscription\. Cancel it/);

    await t.db
      .update(subscriptions)
      .set({ status: "canceled", endedAt: new Date() })
      .where(eq(subscriptions.workspaceId, w.id));
    expect((await del()).status).toBe(204);
    expect(await t.db.select().from(workspaces).where(eq(workspaces.id, w.id))).toEqual([]);

    const personal = await ensurePersonalWorkspace(t.db, w.owner.id);
    const personalDelete = await call(
      deleteWorkspaceRoute,
      as(w.owner, `/api/workspaces/${personal.slug}`, { method: "DELETE" }),
      { slug: personal.slug },
    );
    expect(personalDelete.status).toBe(409);
  });

  it("lets a member leave through DELETE of their own membership", async () => {
    const member = await createPerson(t.db, "leaver");
    const w = await team([[member, "member"]]);
    const left = await call(
      removeRoute,
      as(member, `/api/workspaces/${w.slug}/members/${member.id}`, { method: "DELETE" }),
      { slug: w.slug, userId: member.id },
    );
    expect(left.status).toBe(204);
    const after = await call(membersRoute, as(member, `/api/workspaces/${w.slug}/members`), {
      slug: w.slug,
    });
    expect(after.status).toBe(404);
  });
});

describe("invitations over the API", () => {
  it("invites (201, no token in the answer) and accepts with the invited session", async () => {
    const w = await team();
    const invitee = await createPerson(t.db, "invitee");
    const invited = await call(
      inviteRoute,
      as(w.owner, `/api/workspaces/${w.slug}/invitations`, {
        body: { email: invitee.email, role: "admin" },
      }),
      { slug: w.slug },
    );
    expect(invited.status).toBe(201);
    const text = await invited.text();
    expect(text).not.toMatch(/token/i);
    expect(JSON.parse(text)).toMatchObject({
      invitation: { email: invitee.email, role: "admin", expired: false },
    });

    const again = await call(
      inviteRoute,
      as(w.owner, `/api/workspaces/${w.slug}/invitations`, {
        body: { email: w.other.email, role: "member" },
      }),
      { slug: w.slug },
    );
    expect(again.status).toBe(409);
    expect((await errorOf(again)).message).toBe(
      `${w.other.email} is already a member of this workspace.`,
    );
  });

  it("accepts through POST /api/invitations/:token/accept", async () => {
    const w = await team();
    const invitee = await createPerson(t.db, "invitee");
    const stranger = await createPerson(t.db, "stranger");
    const { token } = await createInvitation(t.db, {
      workspaceId: w.id,
      inviterId: w.owner.id,
      email: invitee.email,
      role: "member",
    });
    const path = `/api/invitations/${token}/accept`;
    const wrong = await call(acceptRoute, as(stranger, path, { method: "POST" }), { token });
    expect(wrong.status).toBe(403);
    expect((await errorOf(wrong)).message).toContain(invitee.email);

    const accepted = await call(acceptRoute, as(invitee, path, { method: "POST" }), { token });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({
      workspace: { id: w.id, name: expect.any(String), slug: w.slug },
      joined: true,
    });
    const used = await call(acceptRoute, as(invitee, path, { method: "POST" }), { token });
    expect(used.status).toBe(410);
    expect((await errorOf(used)).code).toBe("gone");
  });
});
