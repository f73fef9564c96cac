import type { Metadata, Viewport } from "next";
import { unstable_rethrow } from "next/navigation";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { SiteFooter } from "@/components/site-footer";
import { SiteHeader } from "@/components/site-header";
import type { SwitcherWorkspace } from "@/components/workspace-switcher";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/session";
import type { AppUser } from "@/lib/auth/users";
import { log } from "@/lib/log";
import { currentWorkspaceOf } from "@/lib/workspaces/request";
import { listWorkspacesOf } from "@/lib/workspaces/workspaces";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tollgate: billing for SaaS on Stripe", template: "%s · Tollgate" },
  description:
    "Pricing, checkout, subscriptions, metered usage, invoices and revenue for a SaaS on Stripe. Open source and self-hosted.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

/** The signed-in user's workspaces and the current one, for the header's switcher. */
async function switcherOf(
  user: AppUser,
): Promise<{ workspaces: SwitcherWorkspace[]; currentSlug: string }> {
  const [memberships, current] = await Promise.all([
    listWorkspacesOf(await getDb(), user.id),
    currentWorkspaceOf(user.id),
  ]);
  const workspaces = memberships.map(({ workspace, role }) => ({
    slug: workspace.slug,
    name: workspace.name,
    role,
    personal: workspace.personalUserId !== null,
  }));
  return { workspaces, currentSlug: current.workspace.slug };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: its scripts carry that response's CSP nonce (proxy.ts); a
  // page prerendered at build would have none, and the browser would refuse its scripts.
  await connection();
  // The header only decorates: public pages still render when the database is unreachable.
  const user = await currentUser().catch((error: unknown) => {
    unstable_rethrow(error); // Next's own signals (dynamic rendering, redirects) pass through
    log.error({ err: error }, "could not read the signed-in user for the header");
    return null;
  });
  const switcher = user
    ? await switcherOf(user).catch((error: unknown) => {
        unstable_rethrow(error);
        log.error({ err: error }, "could not read the signed-in user's workspaces for the header");
        return null;
      })
    : null;
  return (
    <html lang="en">
      <body className="flex min-h-screen flex-col">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded-md focus:bg-white focus:px-4 focus:py-2 focus:shadow"
        >
          Skip to content
        </a>
        <SiteHeader
          user={user}
          workspaces={switcher?.workspaces}
          currentSlug={switcher?.currentSlug}
        />
        <main id="main" className="flex-1">
          {children}
        </main>
        <SiteFooter />
      </body>
    </html>
  );
}
