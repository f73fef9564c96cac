import type { Metadata } from "next";
import Link from "next/link";
import { SubmitButton } from "@/components/ui/submit-button";
import { currentUser } from "@/lib/auth/session";
import { signOutAction } from "./actions";

export const metadata: Metadata = { title: "Sign out" };

/** Signing out is a POST (a form), so a link or an image elsewhere cannot sign anyone out. */
export default async function SignOutPage() {
  const user = await currentUser();
  if (!user) {
    return (
      <>
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">You are signed out</h1>
        <p className="mt-6 text-sm">
          <Link href="/sign-in" className="font-medium text-brand-700 underline">
            Sign in again
          </Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Sign out</h1>
      <p className="mt-2 text-sm text-slate-600">You are signed in as {user.email}.</p>
      <form action={signOutAction} className="mt-6">
        <SubmitButton pendingLabel="Signing out…" className="w-full">
          Sign out
        </SubmitButton>
      </form>
    </>
  );
}
