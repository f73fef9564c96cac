import type { Metadata, Viewport } from "next";
import { unstable_rethrow } from "next/navigation";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { SiteFooter } from "@/components/site-footer";
import { SiteHeader } from "@/components/site-header";
import { currentUser } from "@/lib/auth/session";
import { log } from "@/lib/log";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tollgate: billing for SaaS on Stripe", template: "%s · Tollgate" },
  description:
    "Pricing, checkout, subscriptions, metered usage, invoices and revenue for a SaaS on Stripe. Open source and self-hosted.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

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
  return (
    <html lang="en">
      <body className="flex min-h-screen flex-col">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded-md focus:bg-white focus:px-4 focus:py-2 focus:shadow"
        >
          Skip to content
        </a>
        <SiteHeader user={user} />
        <main id="main" className="flex-1">
          {children}
        </main>
        <SiteFooter />
      </body>
    </html>
  );
}
