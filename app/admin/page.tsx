import { count, eq } from "drizzle-orm";
import type { Metadata } from "next";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  await requireAdmin("/admin");
  const db = await getDb();
  const [all] = await db.select({ value: count() }).from(users);
  const [admins] = await db.select({ value: count() }).from(users).where(eq(users.role, "admin"));

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Admin</h1>
      <dl className="mt-6 grid max-w-md grid-cols-2 gap-4">
        <div className="rounded-xl border border-slate-200 p-4">
          <dt className="text-sm text-slate-600">Users</dt>
          <dd className="mt-1 text-2xl font-semibold text-slate-900">{all?.value ?? 0}</dd>
        </div>
        <div className="rounded-xl border border-slate-200 p-4">
          <dt className="text-sm text-slate-600">Admins</dt>
          <dd className="mt-1 text-2xl font-semibold text-slate-900">{admins?.value ?? 0}</dd>
        </div>
      </dl>
    </>
  );
}
