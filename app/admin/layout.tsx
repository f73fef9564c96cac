import type { ReactNode } from "react";
import { requireAdmin } from "@/lib/auth/session";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  // Non-admins get the 404 page: the admin area does not reveal that it exists.
  await requireAdmin("/admin");
  return <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">{children}</div>;
}
