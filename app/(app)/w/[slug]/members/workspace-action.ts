import "server-only";
import { getDb } from "@/db";
import { formText } from "@/lib/form-state";
import { authorizeWorkspace, type WorkspaceNeed } from "@/lib/workspaces/access";
import { SLUG_PATTERN } from "@/lib/workspaces/slug";
import type { WorkspaceMembership } from "@/lib/workspaces/workspaces";

/**
 * The members and settings forms name their workspace in a hidden `slug` field: only a name.
 * Every action checks the person's role there again before acting.
 */

/** The workspace page to come back to after signing in. */
export function returnToSection(section: string): (formData: FormData) => string {
  return (formData) => {
    const slug = formText(formData, "slug");
    return SLUG_PATTERN.test(slug) ? `/w/${slug}/${section}` : "/account";
  };
}

/** The form's workspace, for a person whose role there meets `need` (AppError otherwise). */
export async function authorizeForm(
  formData: FormData,
  userId: string,
  need: WorkspaceNeed,
): Promise<WorkspaceMembership> {
  return authorizeWorkspace(await getDb(), { userId, slug: formText(formData, "slug"), need });
}
