import type { Metadata } from "next";
import Link from "next/link";
import { FormAlert } from "@/components/ui/form-alert";
import { Cell, Row, RowHeader, Table } from "@/components/ui/table";
import { workspaceHome } from "@/components/workspace-links";
import { getDb } from "@/db";
import { requireUser } from "@/lib/auth/session";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/sign-up";
import { getSignInState } from "@/lib/auth/users";
import { hasRole, ROLE_LABELS } from "@/lib/workspaces/roles";
import { listWorkspacesOf } from "@/lib/workspaces/workspaces";
import { CreateWorkspaceForm } from "./create-workspace-form";
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

const SECTION_LABELS = {
  billing: "Billing",
  invoices: "Invoices",
  usage: "Usage",
  "api-keys": "API keys",
} as const;

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AccountPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser("/account");
  const db = await getDb();
  const [signIn, workspaces] = await Promise.all([
    getSignInState(db, user.id),
    listWorkspacesOf(db, user.id),
  ]);
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
        <dt className="font-medium text-slate-600">Site role</dt>
        <dd className="text-slate-900">{user.role === "admin" ? "Admin" : "Member"}</dd>
      </dl>
      <ul className="mt-8 flex flex-wrap gap-3 text-sm">
        <li>
          <Link href="/pricing" className="font-medium text-brand-700 underline">
            See plans
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
      <section id="workspaces" aria-labelledby="workspaces-heading" className="mt-10">
        <h2 id="workspaces-heading" className="text-lg font-semibold text-slate-900">
          Your workspaces
        </h2>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          Plans, invoices, usage and API keys belong to a workspace. Your personal workspace is
          yours alone; team workspaces have members.
        </p>
        <div className="mt-4">
          <Table
            caption="Your workspaces"
            minWidth="min-w-[32rem]"
            columns={["Workspace", "Your role", { label: "Links", hidden: true }]}
          >
            {workspaces.map(({ workspace, role }) => (
              <Row key={workspace.id}>
                <RowHeader>
                  <Link href={workspaceHome({ slug: workspace.slug, role })} className="underline">
                    {workspace.name}
                  </Link>
                  {workspace.personalUserId && (
                    <span className="ml-2 text-xs text-slate-500">Personal</span>
                  )}
                </RowHeader>
                <Cell>{ROLE_LABELS[role]}</Cell>
                <Cell>
                  <ul className="flex flex-wrap gap-3">
                    {(hasRole(role, "admin")
                      ? (["billing", "invoices", "usage", "api-keys"] as const)
                      : (["usage", "api-keys"] as const)
                    ).map((section) => (
                      <li key={section}>
                        <Link
                          href={`/w/${workspace.slug}/${section}`}
                          className="font-medium text-brand-700 underline"
                        >
                          {SECTION_LABELS[section]}
                          <span className="sr-only"> of {workspace.name}</span>
                        </Link>
                      </li>
                    ))}
                  </ul>
                </Cell>
              </Row>
            ))}
          </Table>
        </div>
        <CreateWorkspaceForm />
      </section>
      {signIn && (
        <PasswordForm hasPassword={signIn.hasPassword} passwordMinLength={PASSWORD_MIN_LENGTH} />
      )}
    </>
  );
}
