import Link from "next/link";
import type { ReactNode } from "react";
import { requireAdmin } from "@/lib/auth/session";

const LINKS = [
  { href: "/admin", label: "Dashboard" },
  { href: "/admin/invoices", label: "Invoices" },
  { href: "/admin/customers", label: "Customers" },
  { href: "/admin/webhooks", label: "Webhooks" },
] as const;

export default async function AdminLayout({ children }: { children: ReactNode }) {
  // Non-admins get the 404 page: the admin area does not reveal that it exists. Each page
  // checks again with its own return path; this keeps the shell from rendering.
  await requireAdmin("/admin");
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <nav
        aria-label="Admin"
        className="mb-8 flex flex-wrap gap-2 border-b border-slate-200 pb-3 text-sm"
      >
        {LINKS.map((link) => (
          <Link
            key={link.href}
            href={link.href}
            className="rounded-md px-3 py-2 font-medium text-slate-700 hover:bg-slate-100"
          >
            {link.label}
          </Link>
        ))}
      </nav>
      {children}
    </div>
  );
}
