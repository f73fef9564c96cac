"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { resendVerificationEmail } from "@/lib/auth/send-verification-email";
import { action } from "@/lib/http/action";
import { acceptInvitation } from "@/lib/workspaces/invitations";

const tokenForm = z.object({ token: z.string().min(1).max(100) });

const invitationPage = (formData: FormData) =>
  `/invitations/${encodeURIComponent(String(formData.get("token") ?? ""))}`;

/**
 * Joins the workspace (the checks are `acceptInvitation`'s: the invited, verified address),
 * and goes to it (the proxy makes it the current workspace). Refusals (expired, another address, no room
 * on the plan) are answered on the page.
 */
export const acceptInvitationAction = action(
  { access: "user", returnTo: invitationPage, schema: tokenForm, invalid: "message" },
  async ({ token }, { user }) => {
    const { workspace } = await acceptInvitation(await getDb(), { token, userId: user.id });
    redirect(`/w/${workspace.slug}/usage`);
  },
);

/** Mails a new verification link that leads back to this invitation once the address is verified. */
export const resendInvitationVerificationAction = action(
  { access: "user", returnTo: invitationPage, schema: tokenForm, invalid: "message" },
  async ({ token }, { user }) => {
    const sent = await resendVerificationEmail(
      await getDb(),
      user.id,
      `/invitations/${encodeURIComponent(token)}`,
    );
    return sent
      ? { status: "success", message: `We sent a new link to ${user.email}.` }
      : { status: "success", message: "Your address is verified already: reload this page." };
  },
);
