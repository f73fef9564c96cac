import type { ReactNode } from "react";
import { requireUser } from "@/lib/auth/session";

export default async function AccountLayout({ children }: { children: ReactNode }) {
  // Each page checks again with its own return path; this keeps the shell from rendering.
  await requireUser("/account");
  return <div className="mx-auto max-w-5xl px-4 py-10 sm:px-6">{children}</div>;
}
