import { describe, expect, it } from "vitest";
import { useAppDatabase } from "@/db/testing";
import { authenticateApiKey, createApiKey, listApiKeys } from "@/lib/auth/api-keys";
import { changeMemberRole, listMembers, removeMember, transferOwnership } from "./members";
import { createPerson, createTeam, createTeamOfThree, membershipVersion, refusal } from "./testing";
import { ensurePersonalWorkspace } from "./workspaces";

const t = useAppDatabase();

const codeOf = async (promise: Promise<unknown>) => (await refusal(promise)).code;

async function rolesOf(workspaceId: string) {
  const members = await listMembers(t.db, workspaceId);
  return Object.fromEntries(members.map((member) => [member.userId, member.role]));
}

describe("members and roles", () => {
  it("lists members owners first, with name, email, role and the date they joined", async () => {
    const owner = await createPerson(t.db, "owner");
    const member = await createPerson(t.db, "member");
    const admin = await createPerson(t.db, "admin");
    const team = await createTeam(t.db, owner, [
      [member, "member"],
      [admin, "admin"],
    ]);
    const members = await listMembers(t.db, team.id);
    expect(members.map((row) => [row.email, row.role])).toEqual([
      [owner.email, "owner"],
      [admin.email, "admin"],
      [member.email, "member"],
    ]);
    expect(members[0]?.joinedAt).toBeInstanceOf(Date);
  });

  it("lets an admin change a member's role, raising the membership version", async () => {
    const { team, admin, member } = await createTeamOfThree(t.db);
    const before = await membershipVersion(t.db, team.id);
    const changed = await changeMemberRole(t.db, {
      workspaceId: team.id,
      actorId: admin.id,
      userId: member.id,
      role: "admin",
    });
    expect(changed.role).toBe("admin");
    expect(await membershipVersion(t.db, team.id)).toBe(before + 1);
  });

  it("refuses a member managing others", async () => {
    const owner = await createPerson(t.db, "owner");
    const member = await createPerson(t.db, "member");
    const other = await createPerson(t.db, "other");
    const team = await createTeam(t.db, owner, [
      [member, "member"],
      [other, "member"],
    ]);
    const input = { workspaceId: team.id, actorId: member.id, userId: other.id };
    expect(await codeOf(changeMemberRole(t.db, { ...input, role: "admin" }))).toBe("forbidden");
    expect(await codeOf(removeMember(t.db, input))).toBe("forbidden");
  });

  it("keeps owners out of an admin's reach: no making, changing or removing an owner", async () => {
    const { team, owner, admin, member } = await createTeamOfThree(t.db);
    const by = { workspaceId: team.id, actorId: admin.id };
    expect(await codeOf(changeMemberRole(t.db, { ...by, userId: member.id, role: "owner" }))).toBe(
      "forbidden",
    );
    expect(await codeOf(changeMemberRole(t.db, { ...by, userId: admin.id, role: "owner" }))).toBe(
      "forbidden",
    );
    expect(await codeOf(changeMemberRole(t.db, { ...by, userId: owner.id, role: "member" }))).toBe(
      "forbidden",
    );
    expect(await codeOf(removeMember(t.db, { ...by, userId: owner.id }))).toBe("forbidden");
    expect(await rolesOf(team.id)).toMatchObject({ [owner.id]: "owner", [admin.id]: "admin" });
  });

  it("lets an owner make another owner, and then either may step down", async () => {
    const owner = await createPerson(t.db, "owner");
    const member = await createPerson(t.db, "member");
    const team = await createTeam(t.db, owner, [[member, "member"]]);
    await changeMemberRole(t.db, {
      workspaceId: team.id,
      actorId: owner.id,
      userId: member.id,
      role: "owner",
    });
    await changeMemberRole(t.db, {
      workspaceId: team.id,
      actorId: owner.id,
      userId: owner.id,
      role: "member",
    });
    expect(await rolesOf(team.id)).toEqual({ [owner.id]: "member", [member.id]: "owner" });
  });

  it("never lets the last owner be demoted, leave or be removed", async () => {
    const owner = await createPerson(t.db, "owner");
    const member = await createPerson(t.db, "member");
    const team = await createTeam(t.db, owner, [[member, "member"]]);
    const self = { workspaceId: team.id, actorId: owner.id, userId: owner.id };
    expect(await codeOf(changeMemberRole(t.db, { ...self, role: "admin" }))).toBe("conflict");
    expect(await codeOf(removeMember(t.db, self))).toBe("conflict");
    expect((await rolesOf(team.id))[owner.id]).toBe("owner");
  });

  it("lets only one of two owners demoting each other at the same moment succeed", async () => {
    for (let round = 0; round < 5; round += 1) {
      const a = await createPerson(t.db, "a");
      const b = await createPerson(t.db, "b");
      const team = await createTeam(t.db, a, [[b, "owner"]]);
      const results = await Promise.allSettled([
        changeMemberRole(t.db, {
          workspaceId: team.id,
          actorId: a.id,
          userId: b.id,
          role: "admin",
        }),
        changeMemberRole(t.db, {
          workspaceId: team.id,
          actorId: b.id,
          userId: a.id,
          role: "admin",
        }),
      ]);
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      const roles = Object.values(await rolesOf(team.id));
      expect(roles.filter((role) => role === "owner")).toHaveLength(1);
    }
  });

  it("lets a member leave, and an admin remove a member, each raising the version", async () => {
    const owner = await createPerson(t.db, "owner");
    const admin = await createPerson(t.db, "admin");
    const leaver = await createPerson(t.db, "leaver");
    const removed = await createPerson(t.db, "removed");
    const team = await createTeam(t.db, owner, [
      [admin, "admin"],
      [leaver, "member"],
      [removed, "member"],
    ]);
    const before = await membershipVersion(t.db, team.id);
    await removeMember(t.db, { workspaceId: team.id, actorId: leaver.id, userId: leaver.id });
    await removeMember(t.db, { workspaceId: team.id, actorId: admin.id, userId: removed.id });
    expect(Object.keys(await rolesOf(team.id)).sort()).toEqual([admin.id, owner.id].sort());
    expect(await membershipVersion(t.db, team.id)).toBe(before + 2);
    expect(
      await codeOf(
        removeMember(t.db, { workspaceId: team.id, actorId: admin.id, userId: removed.id }),
      ),
    ).toBe("not_found");
  });

  it("revokes a removed member's API keys of the workspace, and no other key", async () => {
    const owner = await createPerson(t.db, "owner");
    const removed = await createPerson(t.db, "removed");
    const team = await createTeam(t.db, owner, [[removed, "member"]]);
    const personal = await ensurePersonalWorkspace(t.db, removed.id);
    const key = (workspaceId: string, userId: string, name: string) =>
      createApiKey(t.db, { userId, workspaceId, sessionVersion: 0, name });
    const theirs = await key(team.id, removed.id, "theirs");
    const owners = await key(team.id, owner.id, "owner's");
    const elsewhere = await key(personal.id, removed.id, "personal");

    await removeMember(t.db, { workspaceId: team.id, actorId: owner.id, userId: removed.id });

    expect((await listApiKeys(t.db, team.id)).map((k) => k.id)).toEqual([owners.id]);
    expect(await authenticateApiKey(t.db, theirs.key)).toBeNull();
    expect(await authenticateApiKey(t.db, owners.key)).toMatchObject({ workspaceId: team.id });
    expect(await authenticateApiKey(t.db, elsewhere.key)).toMatchObject({
      workspaceId: personal.id,
    });
  });

  it("lets nobody leave their personal workspace", async () => {
    const person = await createPerson(t.db, "person");
    const personal = await ensurePersonalWorkspace(t.db, person.id);
    expect(
      await codeOf(
        removeMember(t.db, { workspaceId: personal.id, actorId: person.id, userId: person.id }),
      ),
    ).toBe("conflict");
  });

  it("transfers ownership: the member becomes owner, the former owner an admin", async () => {
    const { team, owner, admin, member } = await createTeamOfThree(t.db);
    expect(
      await codeOf(
        transferOwnership(t.db, { workspaceId: team.id, actorId: admin.id, userId: member.id }),
      ),
    ).toBe("forbidden");
    const before = await membershipVersion(t.db, team.id);
    await transferOwnership(t.db, { workspaceId: team.id, actorId: owner.id, userId: member.id });
    expect(await rolesOf(team.id)).toEqual({
      [owner.id]: "admin",
      [admin.id]: "admin",
      [member.id]: "owner",
    });
    expect(await membershipVersion(t.db, team.id)).toBe(before + 1);
  });

  it("transfers only to a member, and never a personal workspace", async () => {
    const owner = await createPerson(t.db, "owner");
    const stranger = await createPerson(t.db, "stranger");
    const team = await createTeam(t.db, owner);
    expect(
      await codeOf(
        transferOwnership(t.db, { workspaceId: team.id, actorId: owner.id, userId: stranger.id }),
      ),
    ).toBe("not_found");
    const personal = await ensurePersonalWorkspace(t.db, owner.id);
    expect(
      await codeOf(
        transferOwnership(t.db, {
          workspaceId: personal.id,
          actorId: owner.id,
          userId: stranger.id,
        }),
      ),
    ).toBe("conflict");
  });
});
