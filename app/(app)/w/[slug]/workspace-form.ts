import "server-only";
import { getDb } from "@/db";
import { formText } from "@/lib/form-state";
import { authorizeWorkspace, type WorkspaceNeed } from "@/lib/workspaces/access";
import { SLUG_PATTERN } from "@/lib/workspaces/slug";
import type { WorkspaceMembership } from "@/lib/workspaces/workspaces";

/**
 * Workspace pages' forms name their workspace in a hidden `slug` field. A server action is a
 * request of its own, so the field is only a name: every action checks the person's role again
 * (`authorizeWorkspace`) before acting.
 */

/** The page of the form's workspace to come back to after signing in (a section's path). */
export function workspaceReturnTo(section: string): (formData: FormData) => string {
  return (formData) => {
    const slug = formText(formData, "slug");
    return SLUG_PATTERN.test(slug) ? `/w/${slug}/${section}` : "/account";
  };
}

/**
 * The form's workspace, for a person whose role there meets `need`. AppError `not_found` (not a
 * member, or no such workspace) or `forbidden` (too low a role) otherwise, which the action
 * answers as its form's message.
 */
export async function authorizeWorkspaceForm(
  formData: FormData,
  userId: string,
  need: WorkspaceNeed,
): Promise<WorkspaceMembership> {
  return authorizeWorkspace(await getDb(), { userId, slug: formText(formData, "slug"), need });
}
