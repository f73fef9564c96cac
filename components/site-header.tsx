import Link from "next/link";
import type { AppUser } from "@/lib/auth/users";
import { type SwitcherWorkspace, WorkspaceSwitcher } from "./workspace-switcher";

const link = "rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100 hover:text-slate-900";
const button =
  "whitespace-nowrap rounded-md border border-slate-300 px-3 py-2 text-slate-800 hover:border-slate-400 hover:bg-slate-50";

/**
 * The header; `user` is the signed-in user (the layout reads it), or null, with their
 * workspaces and the one they work in now (`currentSlug`) for the switcher.
 */
export function SiteHeader({
  user,
  workspaces = [],
  currentSlug = null,
}: {
  user: AppUser | null;
  workspaces?: readonly SwitcherWorkspace[];
  currentSlug?: string | null;
}) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3 sm:px-6">
        <Link href="/" className="text-lg font-bold tracking-tight text-brand-900">
          Tollgate
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1 text-sm font-medium sm:gap-3">
          <Link href="/pricing" className={link}>
            Pricing
          </Link>
          {user ? (
            <>
              <WorkspaceSwitcher workspaces={workspaces} currentSlug={currentSlug} />
              {user.role === "admin" && (
                <Link href="/admin" className={link}>
                  Admin
                </Link>
              )}
              <Link href="/account" className={link}>
                Account
              </Link>
              <Link href="/sign-out" className={button}>
                Sign out
              </Link>
            </>
          ) : (
            <Link href="/sign-in" className={button}>
              Sign in
            </Link>
          )}
        </nav>
      </div>
    </header>
  );
}
