import type { ReactNode } from "react";
import { SectionNav } from "@/components/section-nav";
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
      <SectionNav label="Account" links={LINKS} />
      {children}
    </div>
  );
}
