import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { invitations } from "@/db/schema";
import { useAppDatabase } from "@/db/testing";
import { startMailSink } from "@/e2e/mail-sink";
import { env } from "@/lib/env";
import { captureLog } from "@/lib/testing/log-capture";
import {
  acceptInvitation,
  createInvitation,
  findInvitationByToken,
  INVITATION_TTL_MS,
  listInvitations,
  resendInvitation,
  revokeInvitation,
} from "./invitations";
import { listMembers } from "./members";
import { createPerson, createTeam, membershipVersion, refusal } from "./testing";
import { ensurePersonalWorkspace } from "./workspaces";

const t = useAppDatabase();

async function teamWithOwner() {
  const owner = await createPerson(t.db, "owner");
  const team = await createTeam(t.db, owner);
  return { owner, team };
}

/** A team, a person (verified unless said otherwise) and an open invitation of their address. */
async function invitedPerson(
  role: "admin" | "member" = "member",
  { verified = true }: { verified?: boolean } = {},
) {
  const { owner, team } = await teamWithOwner();
  const invitee = await createPerson(t.db, "invitee", { verified });
  const { token, invitation } = await createInvitation(t.db, {
    workspaceId: team.id,
    inviterId: owner.id,
    email: invitee.email,
    role,
  });
  return { owner, team, invitee, token, invitation };
}

describe("inviting", () => {
  it("stores only the token's hash, expires in 7 days and logs the link without EMAIL_SERVER", async () => {
    const { owner, team } = await teamWithOwner();
    const logs = captureLog("info");
    const now = new Date();
    const { invitation, token } = await createInvitation(
      t.db,
      {
        workspaceId: team.id,
        inviterId: owner.id,
        email: "  New.Person@Example.com ",
        role: "admin",
      },
      env(),
      now,
    );
    expect(invitation).toMatchObject({
      email: "new.person@example.com",
      role: "admin",
      sendCount: 1,
    });
    expect(invitation.expiresAt.getTime()).toBe(now.getTime() + INVITATION_TTL_MS);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await t.db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(row?.tokenHash).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token);
    const logged = logs
      .lines()
      .find((line) => line.msg === "invitation link (no EMAIL_SERVER set)");
    expect(logged?.url).toBe(`${env().FRONTEND_URL}/invitations/${token}`);
    logs.restore();
    expect(await listInvitations(t.db, team.id)).toEqual([
      expect.objectContaining({ id: invitation.id, expired: false, invitedBy: "owner" }),
    ]);
  });

  it("mails the link through EMAIL_SERVER; a mail server that refuses leaves it to re-send (503)", async () => {
    const { owner, team } = await teamWithOwner();
    const mailbox = join(mkdtempSync(join(tmpdir(), "invitations-")), "mailbox.jsonl");
    const sink = await startMailSink(mailbox);
    try {
      const { token } = await createInvitation(
        t.db,
        { workspaceId: team.id, inviterId: owner.id, email: "mailed@example.com", role: "member" },
        { ...env(), EMAIL_SERVER: sink.url },
      );
      const [mail] = readFileSync(mailbox, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { to: string[]; raw: string });
      expect(mail?.to).toEqual(["mailed@example.com"]);
      expect(mail?.raw.replace(/=\r?\n/g, "")).toContain(`/invitations/${token}`);
    } finally {
      await sink.close();
    }

    const closed = { ...env(), EMAIL_SERVER: "smtp://127.0.0.1:9" };
    const error = await refusal(
      createInvitation(
        t.db,
        {
          workspaceId: team.id,
          inviterId: owner.id,
          email: "unmailed@example.com",
          role: "member",
        },
        closed,
      ),
    );
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/is saved, but its email could not be sent\. Re-send it/);
    expect((await listInvitations(t.db, team.id)).map((row) => row.email)).toContain(
      "unmailed@example.com",
    );
  });

  it("says so when the address is a member already", async () => {
    const { owner, team } = await teamWithOwner();
    const error = await refusal(
      createInvitation(t.db, {
        workspaceId: team.id,
        inviterId: owner.id,
        email: owner.email.toUpperCase(),
        role: "member",
      }),
    );
    expect(error.status).toBe(409);
    expect(error.message).toBe(`${owner.email} is already a member of this workspace.`);
  });

  it("refuses a second open invitation of one address, pointing at re-sending the first", async () => {
    const { owner, team } = await teamWithOwner();
    const input = { workspaceId: team.id, inviterId: owner.id, email: "twice@example.com" };
    const { invitation } = await createInvitation(t.db, { ...input, role: "member" });
    const error = await refusal(createInvitation(t.db, { ...input, role: "admin" }));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/invited already\. Re-send/);
    expect(error.details?.invitationId).toBe(invitation.id);
  });

  it("replaces an expired open invitation of the address with a new one", async () => {
    const { owner, team } = await teamWithOwner();
    const input = { workspaceId: team.id, inviterId: owner.id, email: "late@example.com" };
    const long = new Date(Date.now() - INVITATION_TTL_MS - 1000);
    const first = await createInvitation(t.db, { ...input, role: "member" }, env(), long);
    const second = await createInvitation(t.db, { ...input, role: "admin" });
    expect(second.invitation.id).not.toBe(first.invitation.id);
    expect((await findInvitationByToken(t.db, first.token))?.state).toBe("revoked");
    expect((await listInvitations(t.db, team.id)).map((row) => row.id)).toEqual([
      second.invitation.id,
    ]);
  });

  it("takes no invitations into a personal workspace", async () => {
    const owner = await createPerson(t.db, "owner");
    const personal = await ensurePersonalWorkspace(t.db, owner.id);
    const error = await refusal(
      createInvitation(t.db, {
        workspaceId: personal.id,
        inviterId: owner.id,
        email: "friend@example.com",
        role: "member",
      }),
    );
    expect(error.code).toBe("conflict");
    expect(error.message).toMatch(/Create a team workspace to invite people/);
  });
});

describe("accepting", () => {
  it("adds the invited, verified address with the invitation's role, once", async () => {
    const { team, invitee, token } = await invitedPerson("admin");
    const before = await membershipVersion(t.db, team.id);
    const { workspace, joined } = await acceptInvitation(t.db, { token, userId: invitee.id });
    expect(joined).toBe(true);
    expect(workspace.id).toBe(team.id);
    const members = await listMembers(t.db, team.id);
    expect(members.find((member) => member.userId === invitee.id)?.role).toBe("admin");
    expect(await membershipVersion(t.db, team.id)).toBe(before + 1);
    expect(await listInvitations(t.db, team.id)).toEqual([]);

    const again = await refusal(acceptInvitation(t.db, { token, userId: invitee.id }));
    expect(again.status).toBe(410);
    expect(again.message).toMatch(/used already/);
  });

  it("refuses another signed-in address, naming the address invited", async () => {
    const { owner, team } = await teamWithOwner();
    const other = await createPerson(t.db, "other");
    const { token } = await createInvitation(t.db, {
      workspaceId: team.id,
      inviterId: owner.id,
      email: "someone-else@example.com",
      role: "member",
    });
    const error = await refusal(acceptInvitation(t.db, { token, userId: other.id }));
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      "This invitation is for someone-else@example.com. Sign in with that address to accept it.",
    );
  });

  it("asks an unverified address to verify first", async () => {
    const { owner, team, invitee, token } = await invitedPerson("member", { verified: false });
    const error = await refusal(acceptInvitation(t.db, { token, userId: invitee.id }));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/^Verify your email address first/);
    expect((await listMembers(t.db, team.id)).map((member) => member.userId)).toEqual([owner.id]);
  });

  it("refuses an expired or revoked invitation with 410, and an unknown link with 404", async () => {
    const { owner, team } = await teamWithOwner();
    const invitee = await createPerson(t.db, "invitee");
    const input = { workspaceId: team.id, inviterId: owner.id, role: "member" as const };
    const past = new Date(Date.now() - INVITATION_TTL_MS - 1000);
    const expired = await createInvitation(t.db, { ...input, email: invitee.email }, env(), past);
    const expiredError = await refusal(
      acceptInvitation(t.db, { token: expired.token, userId: invitee.id }),
    );
    expect([expiredError.status, expiredError.message]).toEqual([
      410,
      "This invitation has expired. Ask for a new one.",
    ]);

    const revoked = await createInvitation(t.db, { ...input, email: invitee.email });
    await revokeInvitation(t.db, { workspaceId: team.id, invitationId: revoked.invitation.id });
    const revokedError = await refusal(
      acceptInvitation(t.db, { token: revoked.token, userId: invitee.id }),
    );
    expect(revokedError.status).toBe(410);
    expect(revokedError.message).toMatch(/revoked/);

    const unknown = await refusal(acceptInvitation(t.db, { token: "nope", userId: invitee.id }));
    expect(unknown.status).toBe(404);
  });

  it("counts two invitations accepted at the same moment: both join, version + 2", async () => {
    const { owner, team } = await teamWithOwner();
    const first = await createPerson(t.db, "first");
    const second = await createPerson(t.db, "second");
    const invite = (email: string) =>
      createInvitation(t.db, { workspaceId: team.id, inviterId: owner.id, email, role: "member" });
    const [a, b] = await Promise.all([invite(first.email), invite(second.email)]);
    const before = await membershipVersion(t.db, team.id);
    await Promise.all([
      acceptInvitation(t.db, { token: a.token, userId: first.id }),
      acceptInvitation(t.db, { token: b.token, userId: second.id }),
    ]);
    expect((await listMembers(t.db, team.id)).map((member) => member.userId).sort()).toEqual(
      [owner.id, first.id, second.id].sort(),
    );
    expect(await membershipVersion(t.db, team.id)).toBe(before + 2);
  });

  it("lets one of two accepts of the same link at once succeed", async () => {
    const { team, invitee, token } = await invitedPerson();
    const before = await membershipVersion(t.db, team.id);
    const results = await Promise.allSettled([
      acceptInvitation(t.db, { token, userId: invitee.id }),
      acceptInvitation(t.db, { token, userId: invitee.id }),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(await membershipVersion(t.db, team.id)).toBe(before + 1);
  });
});

describe("on Free", () => {
  it("refuses inviting a third member with 402 naming the plan that allows it", async () => {
    const owner = await createPerson(t.db, "owner");
    const member = await createPerson(t.db, "member");
    const team = await createTeam(t.db, owner, [[member, "member"]], { plan: "free" });
    const error = await refusal(
      createInvitation(t.db, {
        workspaceId: team.id,
        inviterId: owner.id,
        email: "third@example.com",
        role: "member",
      }),
    );
    expect(error.status).toBe(402);
    expect(error.message).toMatch(/Upgrade to Pro/);
    expect(await listInvitations(t.db, team.id)).toEqual([]);
  });

  it("gives the last free seat to one of two people accepting at once; the other gets 402", async () => {
    const owner = await createPerson(t.db, "owner");
    const team = await createTeam(t.db, owner, [], { plan: "free" });
    const first = await createPerson(t.db, "first");
    const second = await createPerson(t.db, "second");
    const invite = (email: string) =>
      createInvitation(t.db, { workspaceId: team.id, inviterId: owner.id, email, role: "member" });
    const [a, b] = await Promise.all([invite(first.email), invite(second.email)]);
    const results = await Promise.allSettled([
      acceptInvitation(t.db, { token: a.token, userId: first.id }),
      acceptInvitation(t.db, { token: b.token, userId: second.id }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = results.find((result) => result.status === "rejected");
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: "payment_required" });
    expect(await listMembers(t.db, team.id)).toHaveLength(2);
  });
});

describe("re-sending and revoking", () => {
  it("re-sends with a new link and expiry; the old link stops working", async () => {
    const { owner, team } = await teamWithOwner();
    const invitee = await createPerson(t.db, "invitee");
    const sent = new Date(Date.now() - 60_000);
    const first = await createInvitation(
      t.db,
      { workspaceId: team.id, inviterId: owner.id, email: invitee.email, role: "member" },
      env(),
      sent,
    );
    const again = await resendInvitation(t.db, {
      workspaceId: team.id,
      invitationId: first.invitation.id,
      actorId: owner.id,
    });
    expect(again.invitation.sendCount).toBe(2);
    expect(again.invitation.expiresAt.getTime()).toBeGreaterThan(
      first.invitation.expiresAt.getTime(),
    );
    expect(await findInvitationByToken(t.db, first.token)).toBeNull();
    expect(
      (await refusal(acceptInvitation(t.db, { token: first.token, userId: invitee.id }))).status,
    ).toBe(404);
    expect((await acceptInvitation(t.db, { token: again.token, userId: invitee.id })).joined).toBe(
      true,
    );
  });

  it("re-sends one invitation at most 5 times an hour", async () => {
    const { owner, team } = await teamWithOwner();
    const { invitation } = await createInvitation(t.db, {
      workspaceId: team.id,
      inviterId: owner.id,
      email: "often@example.com",
      role: "member",
    });
    const input = { workspaceId: team.id, invitationId: invitation.id, actorId: owner.id };
    for (let i = 0; i < 5; i += 1) await resendInvitation(t.db, input);
    const error = await refusal(resendInvitation(t.db, input));
    expect(error.status).toBe(429);
  });

  it("revokes and re-sends only an open invitation of the same workspace", async () => {
    const { owner, team } = await teamWithOwner();
    const other = await teamWithOwner();
    const { invitation } = await createInvitation(t.db, {
      workspaceId: team.id,
      inviterId: owner.id,
      email: "scoped@example.com",
      role: "member",
    });
    const elsewhere = { workspaceId: other.team.id, invitationId: invitation.id };
    expect((await refusal(revokeInvitation(t.db, elsewhere))).status).toBe(404);
    expect(
      (await refusal(resendInvitation(t.db, { ...elsewhere, actorId: other.owner.id }))).status,
    ).toBe(404);
    await revokeInvitation(t.db, { workspaceId: team.id, invitationId: invitation.id });
    expect(
      (await refusal(revokeInvitation(t.db, { workspaceId: team.id, invitationId: invitation.id })))
        .status,
    ).toBe(404);
  });
});
