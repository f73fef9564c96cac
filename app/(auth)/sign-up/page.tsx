import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { safeReturnPath } from "@/lib/auth/return-path";
import { currentUser } from "@/lib/auth/session";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/sign-up";
import { env } from "@/lib/env";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create an account" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignUpPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const returnTo = safeReturnPath(params.callbackUrl, env().FRONTEND_URL);
  if (await currentUser()) redirect(returnTo);

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Create your account</h1>
      <p className="mt-2 text-sm text-slate-600">
        Already have one?{" "}
        <Link
          href={`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`}
          className="font-medium text-brand-700 underline"
        >
          Sign in
        </Link>
      </p>
      <div className="mt-6">
        <SignUpForm
          callbackUrl={returnTo}
          passwordMinLength={PASSWORD_MIN_LENGTH}
          email={typeof params.email === "string" ? params.email.slice(0, 320) : undefined}
        />
      </div>
    </>
  );
}
