import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import {
  INVITATION_ROLES,
  type Invitation,
  type InvitationRole,
  invitations,
  users,
  type Workspace,
  workspaceMembers,
  workspaces,
} from "@/db/schema";
import { normalizeEmail } from "@/lib/auth/users";
import { type Env, env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { invitationUrl, sendInvitationEmail } from "./invitation-email";
import { recordMembershipChange } from "./members";
import { assertMemberRoom } from "./seats";
import { lockWorkspace } from "./workspaces";

/**
 * Invitations to a workspace. The token (32 random bytes, base64url) is mailed and never
 * stored: only its SHA-256 is (256 random bits: a slow hash adds nothing). It works once, for
 * 7 days; re-sending gives the invitation a new token (the old link stops working) and a new
 * expiry. One open invitation per address and workspace: inviting an address with one already
 * open is refused (409) and points at re-sending it. Personal workspaces take no invitations.
 */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const inviteSchema = z.object({
  email: z.email("Enter a valid email address").max(320, "Use at most 320 characters"),
  role: z.enum(INVITATION_ROLES, "Choose Admin or Member"),
});

/** What owners and admins see of an open invitation: never its token or hash. */
export interface InvitationSummary {
  id: string;
  email: string;
  role: InvitationRole;
  invitedBy: string | null;
  sentAt: Date;
  sendCount: number;
  expiresAt: Date;
  expired: boolean;
}

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

function newToken(now: Date) {
  const token = randomBytes(32).toString("base64url");
  return {
    token,
    tokenHash: hashToken(token),
    expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
  };
}

function summarize(
  row: Pick<Invitation, "id" | "email" | "role" | "sentAt" | "sendCount" | "expiresAt">,
  invitedBy: string | null,
  now: Date,
): InvitationSummary {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    invitedBy,
    sentAt: row.sentAt,
    sendCount: row.sendCount,
    expiresAt: row.expiresAt,
    expired: row.expiresAt <= now,
  };
}

const isOpen = and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt));

/** The workspace's open invitations (expired ones too, marked so), oldest first. */
export async function listInvitations(
  db: Database,
  workspaceId: string,
  now: Date = new Date(),
): Promise<InvitationSummary[]> {
  const rows = await db
    .select({ invitation: invitations, inviterName: users.name, inviterEmail: users.email })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedByUserId))
    .where(and(eq(invitations.workspaceId, workspaceId), isOpen))
    .orderBy(asc(invitations.createdAt), asc(invitations.id));
  return rows.map((row) =>
    summarize(row.invitation, row.inviterName ?? row.inviterEmail ?? null, now),
  );
}

async function inviterName(db: Database, userId: string): Promise<string> {
  const [row] = await db
    .select({ name: users.name, email: users.email })
    .from(users)
    .where(eq(users.id, userId));
  return row?.name || row?.email || "Someone";
}

/**
 * Mails the invitation's link. A mail server that refuses is answered 503: the invitation is
 * stored, and re-sending it tries again.
 */
async function mailInvitation(
  db: Database,
  input: { workspace: Workspace; inviterId: string; invitation: Invitation; token: string },
  config: Env,
): Promise<void> {
  const mail = sendInvitationEmail(
    {
      to: input.invitation.email,
      url: invitationUrl(input.token, config.FRONTEND_URL),
      workspaceName: input.workspace.name,
      inviter: await inviterName(db, input.inviterId),
      role: input.invitation.role,
      expiresAt: input.invitation.expiresAt,
    },
    config,
  );
  await mail.catch((error: unknown) => {
    log.error({ err: error, invitationId: input.invitation.id }, "invitation email not sent");
    throw new AppError(
      "unavailable",
      `The invitation to ${input.invitation.email} is saved, but its email could not be sent. Re-send it in a moment.`,
      { cause: error },
    );
  });
}

async function workspaceOrThrow(db: Database, workspaceId: string): Promise<Workspace> {
  const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!workspace) throw new AppError("not_found", "This workspace no longer exists.");
  return workspace;
}

/**
 * Invites an address with a role and mails the link (the caller has checked that the inviter
 * may manage members). Refused: a personal workspace (409), an address already a member (409),
 * an address with an open invitation (409: re-send or revoke that one), a workspace whose plan
 * has no room for another member (402, `assertMemberRoom`). An expired open invitation of the
 * address is revoked and replaced. Returns the invitation and, for tests, its token; the API
 * never answers the token. The mail is sent after the invitation is stored: a mail that fails
 * is answered 503, and the invitation can be re-sent.
 */
export async function createInvitation(
  db: Database,
  input: { workspaceId: string; inviterId: string; email: string; role: InvitationRole },
  config: Env = env(),
  now: Date = new Date(),
): Promise<{ invitation: InvitationSummary; token: string }> {
  const email = normalizeEmail(input.email);
  const workspace = await workspaceOrThrow(db, input.workspaceId);
  if (workspace.personalUserId) {
    throw new AppError(
      "conflict",
      "A personal workspace has only you in it. Create a team workspace to invite people.",
    );
  }
  const [member] = await db
    .select({ userId: workspaceMembers.userId })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(
      and(eq(workspaceMembers.workspaceId, workspace.id), sql`lower(${users.email}) = ${email}`),
    );
  if (member) {
    throw new AppError("conflict", `${email} is already a member of this workspace.`, {
      details: { fields: [{ path: "email", message: "Already a member" }] },
    });
  }
  await assertMemberRoom(db, workspace.id, 1);

  const { token, tokenHash, expiresAt } = newToken(now);
  const invitation = await db.transaction(async (tx) => {
    const [open] = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.workspaceId, workspace.id), eq(invitations.email, email), isOpen))
      .for("update");
    if (open && open.expiresAt > now) {
      throw new AppError(
        "conflict",
        `${email} has been invited already. Re-send that invitation, or revoke it first.`,
        {
          details: {
            invitationId: open.id,
            fields: [{ path: "email", message: "Invited already: re-send that invitation" }],
          },
        },
      );
    }
    if (open) {
      await tx.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, open.id));
    }
    const [row] = await tx
      .insert(invitations)
      .values({
        workspaceId: workspace.id,
        email,
        role: input.role,
        tokenHash,
        invitedByUserId: input.inviterId,
        expiresAt,
        sentAt: now,
      })
      .onConflictDoNothing()
      .returning();
    // Another invitation of the address was created at the same moment.
    if (!row) throw new AppError("conflict", `${email} has been invited already.`);
    return row;
  });
  await mailInvitation(db, { workspace, inviterId: input.inviterId, invitation, token }, config);
  return { invitation: summarize(invitation, await inviterName(db, input.inviterId), now), token };
}

async function openInvitationOrThrow(
  db: Database,
  workspaceId: string,
  invitationId: string,
): Promise<Invitation> {
  const [row] = z.uuid().safeParse(invitationId).success
    ? await db
        .select()
        .from(invitations)
        .where(
          and(eq(invitations.id, invitationId), eq(invitations.workspaceId, workspaceId), isOpen),
        )
    : [];
  if (!row) {
    throw new AppError("not_found", "There is no open invitation with this id in this workspace.");
  }
  return row;
}

/** Revokes an open invitation: its link stops working. 404 unless open and of this workspace. */
export async function revokeInvitation(
  db: Database,
  input: { workspaceId: string; invitationId: string },
  now: Date = new Date(),
): Promise<void> {
  const invitation = await openInvitationOrThrow(db, input.workspaceId, input.invitationId);
  await db
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.id, invitation.id), isOpen));
}

/**
 * Mails an open invitation again with a new token (the old link stops working) and a new 7-day
 * expiry. At most 5 re-sends per invitation an hour (429 after). 404 unless open and of this
 * workspace.
 */
export async function resendInvitation(
  db: Database,
  input: { workspaceId: string; invitationId: string; actorId: string },
  config: Env = env(),
  now: Date = new Date(),
): Promise<{ invitation: InvitationSummary; token: string }> {
  const open = await openInvitationOrThrow(db, input.workspaceId, input.invitationId);
  await enforceRateLimit(db, RATE_LIMITS.invitationResend, open.id, now);
  const { token, tokenHash, expiresAt } = newToken(now);
  const [invitation] = await db
    .update(invitations)
    .set({ tokenHash, expiresAt, sentAt: now, sendCount: open.sendCount + 1 })
    .where(and(eq(invitations.id, open.id), isOpen))
    .returning();
  if (!invitation) throw new AppError("not_found", "This invitation was accepted or revoked.");
  const workspace = await workspaceOrThrow(db, input.workspaceId);
  await mailInvitation(db, { workspace, inviterId: input.actorId, invitation, token }, config);
  const invitedBy = invitation.invitedByUserId
    ? await inviterName(db, invitation.invitedByUserId)
    : null;
  return { invitation: summarize(invitation, invitedBy, now), token };
}

export type InvitationState = "open" | "expired" | "revoked" | "accepted";

/** What the invitation page shows: the invitation behind a token, whatever its state. */
export interface InvitationView {
  id: string;
  email: string;
  role: InvitationRole;
  state: InvitationState;
  expiresAt: Date;
  workspace: { id: string; name: string; slug: string };
  inviter: string | null;
}

function stateOf(row: Invitation, now: Date): InvitationState {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  if (row.expiresAt <= now) return "expired";
  return "open";
}

/** The invitation a token names, or null for a token that never was one (or was replaced). */
export async function findInvitationByToken(
  db: Database,
  token: string,
  now: Date = new Date(),
): Promise<InvitationView | null> {
  if (token.length === 0 || token.length > 100) return null;
  const [row] = await db
    .select({
      invitation: invitations,
      workspace: { id: workspaces.id, name: workspaces.name, slug: workspaces.slug },
      inviterName: users.name,
      inviterEmail: users.email,
    })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .leftJoin(users, eq(users.id, invitations.invitedByUserId))
    .where(eq(invitations.tokenHash, hashToken(token)));
  if (!row) return null;
  return {
    id: row.invitation.id,
    email: row.invitation.email,
    role: row.invitation.role,
    state: stateOf(row.invitation, now),
    expiresAt: row.invitation.expiresAt,
    workspace: row.workspace,
    inviter: row.inviterName ?? row.inviterEmail ?? null,
  };
}

/** Why an invitation link no longer works, as its 410 says. */
export const GONE_MESSAGES: Record<Exclude<InvitationState, "open">, string> = {
  expired: "This invitation has expired. Ask for a new one.",
  revoked: "This invitation was revoked. Ask for a new one if you still need it.",
  accepted: "This invitation has been used already. Each link works once.",
};

/**
 * Accepts an invitation for a signed-in user, who must have the invited address and have
 * verified it. In one transaction, with the workspace row locked: the invitation is checked and
 * marked accepted, the room for one more member checked (`assertMemberRoom`), the member added
 * with the invitation's role, the membership version raised and the seat sync asked for — so
 * two accepts at once both count, and one link works once. A user who is a member already uses
 * up the invitation and keeps their role.
 *
 * Throws AppError: `not_found` (no such token), `gone` (expired, revoked, used), `forbidden`
 * (another address, or the address not verified), `payment_required` (no room on the plan).
 */
export async function acceptInvitation(
  db: Database,
  input: { token: string; userId: string },
  now: Date = new Date(),
): Promise<{ workspace: Workspace; joined: boolean }> {
  const found = await findInvitationByToken(db, input.token, now);
  if (!found) {
    throw new AppError(
      "not_found",
      "This invitation link is not valid. It may have been replaced by a newer one: check your latest invitation email.",
    );
  }
  if (found.state !== "open") throw new AppError("gone", GONE_MESSAGES[found.state]);
  const [user] = await db
    .select({ email: users.email, emailVerified: users.emailVerified })
    .from(users)
    .where(eq(users.id, input.userId));
  if (!user?.email || normalizeEmail(user.email) !== found.email) {
    throw new AppError(
      "forbidden",
      `This invitation is for ${found.email}. Sign in with that address to accept it.`,
      { details: { invitedEmail: found.email } },
    );
  }
  if (!user.emailVerified) {
    throw new AppError(
      "forbidden",
      `Verify your email address first: open the link we mailed to ${found.email}, then accept.`,
      { details: { invitedEmail: found.email, unverified: true } },
    );
  }
  return db.transaction(async (tx) => {
    const workspace = await lockWorkspace(tx, found.workspace.id);
    const [invitation] = await tx
      .select()
      .from(invitations)
      .where(eq(invitations.id, found.id))
      .for("update");
    if (!invitation || invitation.tokenHash !== hashToken(input.token)) {
      throw new AppError("gone", "This invitation link was replaced by a newer one.");
    }
    const state = stateOf(invitation, now);
    if (state !== "open") throw new AppError("gone", GONE_MESSAGES[state]);
    const accepted = { acceptedAt: now, acceptedByUserId: input.userId };
    const [already] = await tx
      .select({ role: workspaceMembers.role })
      .from(workspaceMembers)
      .where(
        and(
          eq(workspaceMembers.workspaceId, workspace.id),
          eq(workspaceMembers.userId, input.userId),
        ),
      );
    if (already) {
      await tx.update(invitations).set(accepted).where(eq(invitations.id, invitation.id));
      return { workspace, joined: false };
    }
    await assertMemberRoom(tx, workspace.id, 1);
    await tx
      .insert(workspaceMembers)
      .values({ workspaceId: workspace.id, userId: input.userId, role: invitation.role });
    await tx.update(invitations).set(accepted).where(eq(invitations.id, invitation.id));
    await recordMembershipChange(tx, workspace.id);
    return { workspace, joined: true };
  });
}

/** Where a signed-in person stands with an open invitation, for the invitation page. */
export type InvitationStanding = "other_address" | "unverified" | "member" | "can_accept";

export async function invitationStanding(
  db: Database,
  view: InvitationView,
  userId: string,
): Promise<InvitationStanding> {
  const [user] = await db
    .select({ email: users.email, emailVerified: users.emailVerified })
    .from(users)
    .where(eq(users.id, userId));
  if (!user?.email || normalizeEmail(user.email) !== view.email) return "other_address";
  const [member] = await db
    .select({ role: workspaceMembers.role })
    .from(workspaceMembers)
    .where(
      and(eq(workspaceMembers.workspaceId, view.workspace.id), eq(workspaceMembers.userId, userId)),
    );
  if (member) return "member";
  return user.emailVerified ? "can_accept" : "unverified";
}
