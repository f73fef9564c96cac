import type { ReactNode } from "react";
import { SectionNav } from "@/components/section-nav";
import { requireAdmin } from "@/lib/auth/session";

const LINKS = [
  { href: "/admin", label: "Dashboard" },
  { href: "/admin/invoices", label: "Invoices" },
  { href: "/admin/customers", label: "Customers" },
  { href: "/admin/webhooks", label: "Webhooks" },
  { href: "/admin/jobs", label: "Jobs" },
] as const;

export default async function AdminLayout({ children }: { children: ReactNode }) {
  // Non-admins get the 404 page: the admin area does not reveal that it exists. Each page
  // checks again with its own return path; this keeps the shell from rendering.
  await requireAdmin("/admin");
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <SectionNav label="Admin" links={LINKS} />
      {children}
    </div>
  );
}
