import { describe, expect, it, vi } from "vitest";
import { GET as verifyEmailRoute } from "@/app/(auth)/verify-email/route";
import { useAppDatabase } from "@/db/testing";
import { IDLE } from "@/lib/form-state";
import { passwordSignIn } from "@/lib/testing/auth";
import { testForm, testRequest } from "@/lib/testing/http";
import { captureLog } from "@/lib/testing/log-capture";
import { browserWith } from "@/lib/testing/next-request";
import { createInvitation } from "@/lib/workspaces/invitations";
import { listMembers, removeMember } from "@/lib/workspaces/members";
import { createPerson, createTeam } from "@/lib/workspaces/testing";
import { signUpAction } from "../../sign-up/actions";
import { acceptInvitationAction, resendInvitationVerificationAction } from "./actions";

vi.mock("next/headers", () => import("@/lib/testing/next-request"));
vi.mock("next/cache", () => ({ revalidatePath() {} }));

const t = useAppDatabase();
/** The redirect a server action ended with (Next's redirect() throws it). */
async function redirectOf(run: Promise<unknown>): Promise<string> {
  const thrown = await run.then(
    () => null,
    (error: unknown) => error,
  );
  const digest = (thrown as { digest?: unknown } | null)?.digest;
  if (typeof digest !== "string") throw new Error(`expected a redirect, got ${String(thrown)}`);
  return digest.split(";")[2] ?? "";
}

describe("a new person invited by email", () => {
  it("signs up from the link, verifies by mail, comes back to the invitation and joins", async () => {
    const owner = await createPerson(t.db, "owner");
    const team = await createTeam(t.db, owner);
    const email = `newcomer-${Date.now()}@example.com`;
    const { token } = await createInvitation(t.db, {
      workspaceId: team.id,
      inviterId: owner.id,
      email,
      role: "member",
    });
    const invitationPath = `/invitations/${token}`;

    // Sign up with the invitation as the way back: the verification mail leads back to it.
    const logs = captureLog("info");
    browserWith("");
    await redirectOf(
      signUpAction(
        IDLE,
        testForm({ name: "New", email, password: "password-1234", callbackUrl: invitationPath }),
      ),
    );
    const mailed = logs
      .lines()
      .find((line) => line.msg === "email verification link (no EMAIL_SERVER set)");
    logs.restore();
    const link = new URL(String(mailed?.url));
    expect(link.searchParams.get("next")).toBe(invitationPath);

    const { cookie } = await passwordSignIn({
      email,
      password: "password-1234",
      ip: "198.51.100.200",
    });
    const form = testForm({ token });

    // Not verified yet: accepting is refused with the reason; the link can be sent again.
    browserWith(cookie);
    const early = await acceptInvitationAction(IDLE, form);
    expect(early.message).toMatch(/^Verify your email address first/);
    browserWith(cookie);
    expect((await resendInvitationVerificationAction(IDLE, form)).message).toBe(
      `We sent a new link to ${email}.`,
    );

    // The newest link verifies the address and leads back to the invitation.
    const resent = captureLog("info");
    browserWith(cookie);
    await resendInvitationVerificationAction(IDLE, form);
    const newest = resent
      .lines()
      .find((line) => line.msg === "email verification link (no EMAIL_SERVER set)");
    resent.restore();
    const verifyUrl = new URL(String(newest?.url));
    const verified = await verifyEmailRoute(
      testRequest(`${verifyUrl.pathname}${verifyUrl.search}`, { cookie: cookie ?? "" }),
    );
    expect(verified.status).toBe(303);
    expect(new URL(verified.headers.get("location") ?? "", "http://x").pathname).toBe(
      invitationPath,
    );

    browserWith(cookie);
    expect(await redirectOf(acceptInvitationAction(IDLE, form))).toBe(`/w/${team.slug}/usage`);
    const members = await listMembers(t.db, team.id);
    expect(members.map((member) => [member.email, member.role])).toContainEqual([email, "member"]);
  });

  it("answers a second use of the link on the page, even after the member was removed", async () => {
    const owner = await createPerson(t.db, "owner");
    const invitee = await createPerson(t.db, "invitee");
    const team = await createTeam(t.db, owner);
    const { token } = await createInvitation(t.db, {
      workspaceId: team.id,
      inviterId: owner.id,
      email: invitee.email,
      role: "member",
    });
    browserWith(invitee.cookie);
    await redirectOf(acceptInvitationAction(IDLE, testForm({ token })));
    await removeMember(t.db, { workspaceId: team.id, actorId: owner.id, userId: invitee.id });
    browserWith(invitee.cookie);
    const again = await acceptInvitationAction(IDLE, testForm({ token }));
    expect(again).toMatchObject({
      status: "error",
      message: expect.stringMatching(/used already/),
    });
  });
});
