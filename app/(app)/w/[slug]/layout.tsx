import type { ReactNode } from "react";
import { SectionNav } from "@/components/section-nav";
import { NEEDS } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/request";
import { hasRole, ROLE_LABELS } from "@/lib/workspaces/roles";
import { WORKSPACE_SECTIONS } from "./sections";

/** A workspace's shell: its name, the person's role, and the areas their role opens. */
export default async function WorkspaceLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const { slug } = await params;
  // Each page checks again with its own need and return path; this keeps the shell from
  // rendering for anyone who is not a member (404).
  const { workspace, role } = await requireWorkspacePage(slug, NEEDS.use, `/w/${slug}`);
  const links = WORKSPACE_SECTIONS.filter((section) => hasRole(role, section.need.role)).map(
    (section) => ({ href: `/w/${workspace.slug}/${section.path}`, label: section.label }),
  );
  return (
    <div className="mx-auto max-w-5xl px-4 py-10 sm:px-6">
      <div className="mb-4 flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <p className="text-lg font-semibold text-slate-900" data-testid="workspace-name">
          {workspace.name}
        </p>
        <p className="text-sm text-slate-600">
          {workspace.personalUserId ? "Personal workspace" : `/w/${workspace.slug}`} · You are{" "}
          {role === "owner"
            ? "the owner"
            : `a${role === "admin" ? "n" : ""} ${ROLE_LABELS[role].toLowerCase()}`}
        </p>
      </div>
      <SectionNav label={`${workspace.name} workspace`} links={links} />
      {children}
    </div>
  );
}
