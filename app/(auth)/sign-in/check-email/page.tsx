import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Check your email" };

export default async function CheckEmailPage() {
  await connection();
  const offline = !env().EMAIL_SERVER;
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Check your email</h1>
      <p className="mt-4 text-slate-700">
        A sign-in link is on its way. It works once and expires in 24 hours.
      </p>
      {offline && (
        <p className="mt-4 rounded-lg bg-slate-50 p-3 text-sm text-slate-700">
          No email server is configured, so the link was written to the server's log instead.
        </p>
      )}
      <p className="mt-6 text-sm">
        <Link href="/sign-in" className="font-medium text-brand-700 underline">
          Back to sign-in
        </Link>
      </p>
    </>
  );
}
