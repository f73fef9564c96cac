import type { ReactNode } from "react";
import { NEEDS } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/request";

/**
 * The role check above the page's loading boundary: a member who may not see this area gets
 * the 404 page with a 404 status (a check inside the page only runs after loading.tsx has
 * started streaming a 200). The page checks again.
 */
export default async function InvoicesLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const { slug } = await params;
  await requireWorkspacePage(slug, NEEDS.invoices, `/w/${slug}/invoices`);
  return children;
}
