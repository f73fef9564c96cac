import { describe, expect, it, vi } from "vitest";
import { useAppDatabase } from "@/db/testing";
import { IDLE } from "@/lib/form-state";
import { testForm } from "@/lib/testing/http";
import { browserWith } from "@/lib/testing/next-request";
import { listInvitations } from "@/lib/workspaces/invitations";
import { listMembers, removeMember } from "@/lib/workspaces/members";
import { createPerson, createTeam, createTeamOfThree, type Person } from "@/lib/workspaces/testing";
import { leaveAction, transferAction } from "../settings/actions";
import { changeRoleAction, inviteAction, removeMemberAction } from "./actions";

vi.mock("next/headers", () => import("@/lib/testing/next-request"));
vi.mock("next/cache", () => ({ revalidatePath() {} }));

const t = useAppDatabase();

const as = (person: Person) => browserWith(person.cookie);

describe("members and settings actions", () => {
  it("re-check the role on every call: a removed admin's live page can change nothing", async () => {
    const { team, owner, admin, member } = await createTeamOfThree(t.db);
    await removeMember(t.db, { workspaceId: team.id, actorId: owner.id, userId: admin.id });
    as(admin);
    const changed = await changeRoleAction(
      IDLE,
      testForm({ slug: team.slug, userId: member.id, role: "admin" }),
    );
    expect(changed).toEqual({ status: "error", message: `There is no workspace “${team.slug}”.` });
    as(admin);
    const invited = await inviteAction(
      IDLE,
      testForm({ slug: team.slug, email: "x@example.com", role: "member" }),
    );
    expect(invited.status).toBe("error");
    expect(await listInvitations(t.db, team.id)).toEqual([]);
  });

  it("tell a member they cannot manage members, and an admin that owners are out of reach", async () => {
    const { team, owner, admin, member } = await createTeamOfThree(t.db);
    as(member);
    expect(
      (await removeMemberAction(IDLE, testForm({ slug: team.slug, userId: admin.id }))).message,
    ).toBe("Only owners and admins of this workspace can manage members; you are a member.");
    as(admin);
    expect(
      (await removeMemberAction(IDLE, testForm({ slug: team.slug, userId: owner.id }))).message,
    ).toBe("Only an owner can remove an owner.");
    as(admin);
    expect(
      await inviteAction(IDLE, testForm({ slug: team.slug, email: member.email, role: "member" })),
    ).toMatchObject({
      status: "error",
      fieldErrors: { email: `${member.email} is already a member of this workspace.` },
    });
  });

  it("transfer needs the confirmation; leaving as the last owner is refused", async () => {
    const owner = await createPerson(t.db, "owner");
    const member = await createPerson(t.db, "member");
    const team = await createTeam(t.db, owner, [[member, "member"]]);
    as(owner);
    expect(
      (await transferAction(IDLE, testForm({ slug: team.slug, userId: member.id }))).message,
    ).toBe("Tick the box to confirm");
    as(owner);
    expect((await leaveAction(IDLE, testForm({ slug: team.slug }))).message).toMatch(
      /^The last owner cannot leave/,
    );
    as(owner);
    await transferAction(IDLE, testForm({ slug: team.slug, userId: member.id, confirm: "yes" }));
    const roles = (await listMembers(t.db, team.id)).map((row) => [row.userId, row.role]);
    expect(roles).toEqual([
      [member.id, "owner"],
      [owner.id, "admin"],
    ]);
  });
});
