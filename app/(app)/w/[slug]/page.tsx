import { redirect } from "next/navigation";
import { workspaceHome } from "@/components/workspace-links";
import { NEEDS } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/request";

/** /w/:slug itself: billing for owners and admins, usage for members (404 for anyone else). */
export default async function WorkspacePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { workspace, role } = await requireWorkspacePage(slug, NEEDS.use, `/w/${slug}`);
  redirect(workspaceHome({ slug: workspace.slug, role }));
}
