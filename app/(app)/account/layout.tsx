import Link from "next/link";
import type { ReactNode } from "react";
import { requireUser } from "@/lib/auth/session";

const LINKS = [
  { href: "/account", label: "Overview" },
  { href: "/account/billing", label: "Billing" },
  { href: "/account/invoices", label: "Invoices" },
  { href: "/account/usage", label: "Usage" },
  { href: "/account/api-keys", label: "API keys" },
] as const;

export default async function AccountLayout({ children }: { children: ReactNode }) {
  // Each page checks again with its own return path; this keeps the shell from rendering.
  await requireUser("/account");
  return (
    <div className="mx-auto max-w-5xl px-4 py-10 sm:px-6">
      <nav
        aria-label="Account"
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
