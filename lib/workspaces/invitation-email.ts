import "server-only";
import { createTransport } from "nodemailer";
import type { InvitationRole } from "@/db/schema";
import { type Env, env } from "@/lib/env";
import { log } from "@/lib/log";
import { ROLE_LABELS } from "./roles";

export interface InvitationEmail {
  to: string;
  url: string;
  workspaceName: string;
  inviter: string;
  role: InvitationRole;
  expiresAt: Date;
}

/** The link an invitation mail carries: the accept page of the invitation's token. */
export function invitationUrl(token: string, frontendUrl: string): string {
  return `${frontendUrl}/invitations/${encodeURIComponent(token)}`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Mails an invitation through EMAIL_SERVER, as verification links are mailed. Without
 * EMAIL_SERVER the link is written to the server log in development and test; in production it
 * is not sent at all (a log line says so): whoever reads the log could otherwise join the
 * workspace with it — though only as the invited, verified address.
 */
export async function sendInvitationEmail(
  mail: InvitationEmail,
  config: Env = env(),
): Promise<void> {
  if (!config.EMAIL_SERVER) {
    if (config.NODE_ENV === "production") {
      log.warn({ email: mail.to }, "invitation link not sent: EMAIL_SERVER is not set");
    } else {
      log.info({ email: mail.to, url: mail.url }, "invitation link (no EMAIL_SERVER set)");
    }
    return;
  }
  const role = ROLE_LABELS[mail.role].toLowerCase();
  const until = mail.expiresAt.toUTCString();
  await createTransport(config.EMAIL_SERVER).sendMail({
    to: mail.to,
    from: config.EMAIL_FROM,
    subject: `${mail.inviter} invited you to ${mail.workspaceName}`,
    text: `${mail.inviter} invited you to join the workspace “${mail.workspaceName}” as ${role}.\n\nOpen this link to accept (it works once, until ${until}):\n${mail.url}\n\nIf you did not expect this, ignore this email.\n`,
    html: `<p>${escapeHtml(mail.inviter)} invited you to join the workspace “${escapeHtml(mail.workspaceName)}” as ${role}.</p><p><a href="${mail.url}">Accept the invitation</a></p><p>The link works once, until ${until}. If you did not expect this, ignore this email.</p>`,
  });
}
