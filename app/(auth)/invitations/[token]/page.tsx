import type { Metadata } from "next";
import Link from "next/link";
import { LinkButton } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/session";
import {
  findInvitationByToken,
  GONE_MESSAGES,
  invitationStanding,
} from "@/lib/workspaces/invitations";
import { ROLE_LABELS } from "@/lib/workspaces/roles";
import { AcceptInvitationForm, ResendVerificationForm } from "./invitation-forms";

export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };

type Params = Promise<{ token: string }>;

const heading = "text-2xl font-bold tracking-tight text-slate-900";

/**
 * The page an invitation mail links to. It shows who invited whom to which workspace, and the
 * one next step: sign up or sign in (coming back here), verify the address, or accept. Nothing
 * changes by opening it (a mail scanner may); accepting is a POST.
 */
export default async function InvitationPage({ params }: { params: Params }) {
  const { token } = await params;
  const db = await getDb();
  const view = await findInvitationByToken(db, token);
  if (!view) {
    return (
      <>
        <h1 className={heading}>This invitation link is not valid</h1>
        <p className="mt-4 text-sm text-slate-600">
          It may have been replaced by a newer one: open the link in your latest invitation email,
          or ask whoever invited you to send it again.
        </p>
      </>
    );
  }
  if (view.state !== "open") {
    return (
      <>
        <h1 className={heading}>This invitation no longer works</h1>
        <p className="mt-4 text-sm text-slate-600">{GONE_MESSAGES[view.state]}</p>
      </>
    );
  }

  const here = `/invitations/${encodeURIComponent(token)}`;
  const role = ROLE_LABELS[view.role].toLowerCase();
  const user = await currentUser();
  const standing = user ? await invitationStanding(db, view, user.id) : null;

  return (
    <>
      <h1 className={heading}>Join {view.workspace.name}</h1>
      <p className="mt-2 text-sm text-slate-600" data-testid="invitation-summary">
        {view.inviter ?? "Someone"} invited <span className="font-medium">{view.email}</span> to the
        workspace “{view.workspace.name}” as {role === "admin" ? "an admin" : "a member"}.
      </p>
      <div className="mt-6">
        {!user && (
          <div className="space-y-3">
            <LinkButton
              href={`/sign-up?${new URLSearchParams({ email: view.email, callbackUrl: here })}`}
              className="w-full"
            >
              Sign up as {view.email}
            </LinkButton>
            <p className="text-center text-sm text-slate-600">
              Have an account with this address?{" "}
              <Link
                href={`/sign-in?${new URLSearchParams({ callbackUrl: here })}`}
                className="font-medium text-brand-700 underline"
              >
                Sign in
              </Link>
            </p>
          </div>
        )}
        {standing === "other_address" && (
          <FormAlert tone="error">
            This invitation is for {view.email}, but you are signed in as {user?.email}.{" "}
            <Link href="/sign-out" className="font-medium underline">
              Sign out
            </Link>{" "}
            and open the link again with that address.
          </FormAlert>
        )}
        {standing === "unverified" && (
          <section
            aria-labelledby="verify-heading"
            className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
          >
            <h2 id="verify-heading" className="font-semibold">
              Verify your email first
            </h2>
            <p className="mt-1">
              We sent a link to <span className="font-medium">{view.email}</span>. Open it while
              signed in here; it brings you back to this invitation to accept it.
            </p>
            <ResendVerificationForm token={token} />
          </section>
        )}
        {standing === "member" && (
          <div className="space-y-3">
            <FormAlert tone="info">You are a member of {view.workspace.name} already.</FormAlert>
            <LinkButton href={`/w/${view.workspace.slug}/usage`} className="w-full">
              Go to {view.workspace.name}
            </LinkButton>
          </div>
        )}
        {standing === "can_accept" && (
          <AcceptInvitationForm token={token} workspaceName={view.workspace.name} />
        )}
      </div>
    </>
  );
}
