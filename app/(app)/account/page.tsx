import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const user = await requireUser("/account");
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Your account</h1>
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
    </>
  );
}
