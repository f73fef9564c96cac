import type { Metadata } from "next";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { getDb } from "@/db";
import { NEEDS } from "@/lib/workspaces/access";
import { listMembers } from "@/lib/workspaces/members";
import { requireWorkspacePage } from "@/lib/workspaces/request";
import { hasRole, ROLE_LABELS } from "@/lib/workspaces/roles";
import { deleteRefusal, liveSubscriptionStatus } from "@/lib/workspaces/settings";
import { ActionForm } from "../members/action-form";
import { deleteWorkspaceAction, leaveAction, transferAction } from "./actions";
import { WorkspaceForm } from "./workspace-form";

export const metadata: Metadata = { title: "Workspace settings" };

type Params = Promise<{ slug: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const sectionHeading = "text-lg font-semibold text-slate-900";

/**
 * What a member's role lets them do to the workspace itself: admins rename it and change its
 * address; the owner hands it over or deletes it (not while a subscription is live); anyone but
 * the last owner may leave. A personal workspace can only be renamed.
 */
export default async function SettingsPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { slug } = await params;
  const { workspace, role, user } = await requireWorkspacePage(
    slug,
    NEEDS.use,
    `/w/${slug}/settings`,
  );
  const personal = workspace.personalUserId !== null;
  const db = await getDb();
  const owner = role === "owner";
  const [members, live] = await Promise.all([
    owner && !personal ? listMembers(db, workspace.id) : Promise.resolve([]),
    owner && !personal ? liveSubscriptionStatus(db, workspace.id) : Promise.resolve(null),
  ]);
  const others = members.filter((member) => member.userId !== user.id);
  const fields = { slug: workspace.slug };
  const saved = (await searchParams).saved === "1";

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Settings</h1>
      {saved && (
        <div className="mt-4 max-w-xl">
          <FormAlert tone="success">Saved. The workspace has its new address.</FormAlert>
        </div>
      )}

      {hasRole(role, NEEDS.settings.role) && (
        <section aria-labelledby="general" className="mt-8 max-w-xl">
          <h2 id="general" className={sectionHeading}>
            Name and address
          </h2>
          <div className="mt-3">
            <WorkspaceForm slug={workspace.slug} name={workspace.name} personal={personal} />
          </div>
        </section>
      )}

      {owner && !personal && (
        <section aria-labelledby="transfer" className="mt-10 max-w-xl">
          <h2 id="transfer" className={sectionHeading}>
            Transfer ownership
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            The member you choose becomes an owner; you become an admin.
          </p>
          <div className="mt-3">
            {others.length === 0 ? (
              <p className="text-sm text-slate-600">
                Invite someone first: you are the only member.
              </p>
            ) : (
              <ActionForm action={transferAction} fields={fields} className="space-y-3">
                <div>
                  <label htmlFor="transfer-to" className="block text-sm font-medium text-slate-800">
                    New owner
                  </label>
                  <select
                    id="transfer-to"
                    name="userId"
                    className="mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2"
                  >
                    {others.map((member) => (
                      <option key={member.userId} value={member.userId}>
                        {member.name ? `${member.name} (${member.email})` : member.email} —{" "}
                        {ROLE_LABELS[member.role]}
                      </option>
                    ))}
                  </select>
                </div>
                <label className="flex items-center gap-2 text-sm text-slate-800">
                  <input type="checkbox" name="confirm" value="yes" />I understand I will be an
                  admin afterwards.
                </label>
                <SubmitButton variant="secondary" pendingLabel="Transferring…">
                  Transfer ownership
                </SubmitButton>
              </ActionForm>
            )}
          </div>
        </section>
      )}

      {!personal && (
        <section aria-labelledby="leave" className="mt-10 max-w-xl">
          <h2 id="leave" className={sectionHeading}>
            Leave this workspace
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            You lose access to it at once.{" "}
            {owner && "As an owner, make someone else owner first: a workspace keeps one."}
          </p>
          <div className="mt-3">
            <ActionForm action={leaveAction} fields={fields}>
              <SubmitButton variant="danger" pendingLabel="Leaving…">
                Leave {workspace.name}
              </SubmitButton>
            </ActionForm>
          </div>
        </section>
      )}

      {owner && !personal && (
        <section aria-labelledby="delete" className="mt-10 max-w-xl">
          <h2 id="delete" className={sectionHeading}>
            Delete this workspace
          </h2>
          {live ? (
            <div className="mt-3" data-testid="delete-refused">
              <FormAlert tone="info">{deleteRefusal(live)}</FormAlert>
            </div>
          ) : (
            <>
              <p className="mt-1 text-sm text-slate-600">
                Deletes its members, invitations, usage, API keys and billing history here. This
                cannot be undone.
              </p>
              <div className="mt-3">
                <ActionForm action={deleteWorkspaceAction} fields={fields} className="space-y-3">
                  <Field
                    label={`Type ${workspace.slug} to confirm`}
                    name="confirmSlug"
                    id="confirm-slug"
                    autoComplete="off"
                    required
                  />
                  <SubmitButton variant="danger" pendingLabel="Deleting…">
                    Delete {workspace.name}
                  </SubmitButton>
                </ActionForm>
              </div>
            </>
          )}
        </section>
      )}

      {personal && (
        <p className="mt-10 max-w-xl text-sm text-slate-600">
          This is your personal workspace: it stays yours, and cannot be left, handed over or
          deleted.
        </p>
      )}
    </>
  );
}
