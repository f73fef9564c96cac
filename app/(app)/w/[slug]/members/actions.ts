"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { WORKSPACE_ROLES } from "@/db/schema";
import { action } from "@/lib/http/action";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { NEEDS } from "@/lib/workspaces/access";
import {
  createInvitation,
  inviteSchema,
  resendInvitation,
  revokeInvitation,
} from "@/lib/workspaces/invitations";
import { changeMemberRole, removeMember } from "@/lib/workspaces/members";
import { ROLE_LABELS } from "@/lib/workspaces/roles";
import { authorizeWorkspaceForm, workspaceReturnTo } from "../workspace-form";

const returnTo = workspaceReturnTo("members");
const refresh = (slug: string) => revalidatePath(`/w/${slug}/members`);

/** Invites an address; the link is mailed (or logged in development). */
export const inviteAction = action(
  {
    access: "user",
    returnTo,
    schema: inviteSchema,
    rateLimit: RATE_LIMITS.invitationCreate,
    keep: ["email", "role"],
    errorFields: { conflict: "email" },
  },
  async ({ email, role }, { user, formData }) => {
    const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.members);
    const { invitation } = await createInvitation(await getDb(), {
      workspaceId: workspace.id,
      inviterId: user.id,
      email,
      role,
    });
    refresh(workspace.slug);
    return { status: "success", message: `Invitation sent to ${invitation.email}.` };
  },
);

const memberForm = z.object({ userId: z.string().min(1) });

export const changeRoleAction = action(
  {
    access: "user",
    returnTo,
    schema: memberForm.extend({ role: z.enum(WORKSPACE_ROLES, "Choose a role") }),
    invalid: "message",
  },
  async ({ userId, role }, { user, formData }) => {
    const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.members);
    const member = await changeMemberRole(await getDb(), {
      workspaceId: workspace.id,
      actorId: user.id,
      userId,
      role,
    });
    refresh(workspace.slug);
    return {
      status: "success",
      message: `${member.name ?? member.email} is now ${ROLE_LABELS[member.role].toLowerCase()}.`,
    };
  },
);

export const removeMemberAction = action(
  { access: "user", returnTo, schema: memberForm, invalid: "message" },
  async ({ userId }, { user, formData }) => {
    const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.members);
    await removeMember(await getDb(), { workspaceId: workspace.id, actorId: user.id, userId });
    refresh(workspace.slug);
    return { status: "success", message: "Removed." };
  },
);

const invitationForm = z.object({ invitationId: z.string().min(1) });

export const revokeInvitationAction = action(
  { access: "user", returnTo, schema: invitationForm, invalid: "message" },
  async ({ invitationId }, { user, formData }) => {
    const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.members);
    await revokeInvitation(await getDb(), { workspaceId: workspace.id, invitationId });
    refresh(workspace.slug);
    return { status: "success", message: "Invitation revoked." };
  },
);

export const resendInvitationAction = action(
  { access: "user", returnTo, schema: invitationForm, invalid: "message" },
  async ({ invitationId }, { user, formData }) => {
    const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.members);
    const { invitation } = await resendInvitation(await getDb(), {
      workspaceId: workspace.id,
      invitationId,
      actorId: user.id,
    });
    refresh(workspace.slug);
    return { status: "success", message: `Sent again to ${invitation.email}.` };
  },
);
