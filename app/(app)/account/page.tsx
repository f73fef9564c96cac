import type { Metadata } from "next";
import Link from "next/link";
import { FormAlert } from "@/components/ui/form-alert";
import { getDb } from "@/db";
import { requireUser } from "@/lib/auth/session";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/sign-up";
import { getSignInState } from "@/lib/auth/users";
import { PasswordForm } from "./password-form";
import { VerifyEmailNotice } from "./verify-email-notice";

export const metadata: Metadata = { title: "Your account" };

/** What /verify-email reports back through `?email=`. */
const EMAIL_NOTICES = {
  verified: { tone: "success", text: "Your email address is verified." },
  "link-invalid": {
    tone: "error",
    text: "That verification link has expired, was used already, or is for another account. Send a new one below.",
  },
} as const;
/** Where a password change sends the browser (`?password=changed`, app/(app)/account/actions.ts). */
const PASSWORD_CHANGED = {
  tone: "success",
  text: "Your password is changed. Every other session is signed out.",
} as const;

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AccountPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser("/account");
  const signIn = await getSignInState(await getDb(), user.id);
  const { email: emailParam, password: passwordParam } = await searchParams;
  const notice =
    emailParam === "verified" || emailParam === "link-invalid"
      ? EMAIL_NOTICES[emailParam]
      : passwordParam === "changed"
        ? PASSWORD_CHANGED
        : null;
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Your account</h1>
      {notice && (
        <div className="mt-6 max-w-xl">
          <FormAlert tone={notice.tone}>{notice.text}</FormAlert>
        </div>
      )}
      {signIn && !signIn.emailVerified && user.email && <VerifyEmailNotice email={user.email} />}
      <dl className="mt-6 grid max-w-xl grid-cols-[auto_1fr] gap-x-6 gap-y-3 text-sm">
        <dt className="font-medium text-slate-600">Email</dt>
        <dd data-testid="account-email" className="text-slate-900">
          {user.email}
        </dd>
        <dt className="font-medium text-slate-600">Name</dt>
        <dd className="text-slate-900">{user.name ?? "Not set"}</dd>
        <dt className="font-medium text-slate-600">Role</dt>
        <dd className="text-slate-900">{user.role === "admin" ? "Admin" : "Member"}</dd>
      </dl>
      <ul className="mt-8 flex flex-wrap gap-3 text-sm">
        <li>
          <Link href="/pricing" className="font-medium text-brand-700 underline">
            See plans
          </Link>
        </li>
        <li>
          <Link href="/account/api-keys" className="font-medium text-brand-700 underline">
            Manage API keys
          </Link>
        </li>
        {user.role === "admin" && (
          <li>
            <Link href="/admin" className="font-medium text-brand-700 underline">
              Admin area
            </Link>
          </li>
        )}
      </ul>
      {signIn && (
        <PasswordForm hasPassword={signIn.hasPassword} passwordMinLength={PASSWORD_MIN_LENGTH} />
      )}
    </>
  );
}
