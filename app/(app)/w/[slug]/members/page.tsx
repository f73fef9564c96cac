import type { Metadata } from "next";
import Link from "next/link";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { Cell, EmptyState, Row, RowHeader, Table } from "@/components/ui/table";
import { Moment } from "@/components/ui/time";
import { SeatSummary } from "@/components/workspaces/seat-summary";
import { getDb } from "@/db";
import { WORKSPACE_ROLES } from "@/db/schema";
import { getPlan } from "@/lib/billing/catalog/plans";
import { getStripe } from "@/lib/billing/stripe/client";
import { formatDate } from "@/lib/format/date";
import { formatMoney, PERIOD_UNIT } from "@/lib/format/money";
import { log } from "@/lib/log";
import { NEEDS } from "@/lib/workspaces/access";
import { listInvitations } from "@/lib/workspaces/invitations";
import { listMembers } from "@/lib/workspaces/members";
import { requireWorkspacePage } from "@/lib/workspaces/request";
import { hasRole, ROLE_LABELS } from "@/lib/workspaces/roles";
import { previewSeatCost, type SeatCostPreview } from "@/lib/workspaces/seat-preview";
import { seatSummary } from "@/lib/workspaces/seat-summary";
import { ActionForm } from "./action-form";
import {
  changeRoleAction,
  removeMemberAction,
  resendInvitationAction,
  revokeInvitationAction,
} from "./actions";
import { InviteForm } from "./invite-form";

export const metadata: Metadata = { title: "Members" };

type Params = Promise<{ slug: string }>;

/**
 * Everyone in the workspace sees who is in it and in which role. Owners and admins also change
 * roles, remove members, and invite, re-send and revoke invitations; only owners touch owners.
 */
export default async function MembersPage({ params }: { params: Params }) {
  const { slug } = await params;
  const { workspace, role, user } = await requireWorkspacePage(
    slug,
    NEEDS.use,
    `/w/${slug}/members`,
  );
  const db = await getDb();
  const manages = hasRole(role, NEEDS.members.role);
  const personal = workspace.personalUserId !== null;
  const [members, invitations, seats] = await Promise.all([
    listMembers(db, workspace.id),
    manages ? listInvitations(db, workspace.id) : Promise.resolve([]),
    seatSummary(db, workspace.id),
  ]);
  const nextSeat = manages && !personal ? await nextSeatCost(workspace.id) : null;
  const full = seats.limit !== null && seats.members >= seats.limit;
  const fields = { slug: workspace.slug };
  const roles = role === "owner" ? WORKSPACE_ROLES : WORKSPACE_ROLES.filter((r) => r !== "owner");

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Members</h1>
      <section aria-labelledby="seats" className="mt-6" data-testid="seats">
        <h2 id="seats" className="sr-only">
          Seats
        </h2>
        <SeatSummary seats={seats} />
        {invitations.length > 0 && (
          <p className="mt-1 text-xs text-slate-600">
            {invitations.length} open {invitations.length === 1 ? "invitation" : "invitations"}: not
            a seat until accepted.
          </p>
        )}
      </section>

      <section aria-labelledby="people" className="mt-8">
        <h2 id="people" className="text-lg font-semibold text-slate-900">
          People
        </h2>
        <div className="mt-3">
          <Table
            caption={`Members of ${workspace.name}: owners first`}
            minWidth="min-w-[40rem]"
            alignTop
            testId="members"
            columns={[
              "Name",
              "Email",
              "Role",
              "Joined",
              ...(manages ? [{ label: "Actions", hidden: true }] : []),
            ]}
          >
            {members.map((member) => {
              const self = member.userId === user.id;
              // Only owners touch owners; nobody changes or removes themselves here.
              const editable = manages && !self && (member.role !== "owner" || role === "owner");
              return (
                <Row key={member.userId} testId={`member-${member.email}`}>
                  <RowHeader>
                    {member.name ?? "—"}
                    {self && <span className="ml-1 text-xs font-normal text-slate-500">(you)</span>}
                  </RowHeader>
                  <Cell>{member.email}</Cell>
                  <Cell>
                    {editable ? (
                      <ActionForm
                        action={changeRoleAction}
                        fields={{ ...fields, userId: member.userId }}
                      >
                        <label htmlFor={`role-${member.userId}`} className="sr-only">
                          Role of {member.email}
                        </label>
                        <select
                          id={`role-${member.userId}`}
                          name="role"
                          defaultValue={member.role}
                          className="rounded-lg border border-slate-300 bg-white px-2 py-1 text-sm"
                        >
                          {roles.map((option) => (
                            <option key={option} value={option}>
                              {ROLE_LABELS[option]}
                            </option>
                          ))}
                        </select>
                        <SubmitButton variant="secondary" pendingLabel="Saving…">
                          Save<span className="sr-only"> role of {member.email}</span>
                        </SubmitButton>
                      </ActionForm>
                    ) : (
                      ROLE_LABELS[member.role]
                    )}
                  </Cell>
                  <Cell>
                    <Moment date={member.joinedAt} />
                  </Cell>
                  {manages && (
                    <Cell className="text-right">
                      {editable && (
                        <ActionForm
                          action={removeMemberAction}
                          fields={{ ...fields, userId: member.userId }}
                        >
                          <SubmitButton variant="danger" pendingLabel="Removing…">
                            Remove<span className="sr-only"> {member.email}</span>
                          </SubmitButton>
                        </ActionForm>
                      )}
                    </Cell>
                  )}
                </Row>
              );
            })}
          </Table>
        </div>
      </section>

      {manages && personal && (
        <p className="mt-8 max-w-2xl text-sm text-slate-600">
          A personal workspace has only you in it. To work with others, create a team workspace from
          your account page and invite them there.
        </p>
      )}

      {manages && !personal && (
        <>
          <section aria-labelledby="invite" className="mt-10">
            <h2 id="invite" className="text-lg font-semibold text-slate-900">
              Invite someone
            </h2>
            <p className="mt-1 max-w-2xl text-sm text-slate-600">
              We email them a link that works once, for 7 days. They join once they accept it,
              signed in with that address.
            </p>
            {full && (
              <div className="mt-3 max-w-2xl" data-testid="member-cap">
                <FormAlert tone="info">
                  The {getPlan(seats.tier).name} plan allows up to {seats.limit} members.{" "}
                  <Link href={`/w/${workspace.slug}/billing`} className="font-medium underline">
                    Upgrade
                  </Link>{" "}
                  to invite more.
                </FormAlert>
              </div>
            )}
            {nextSeat && (
              <p className="mt-2 max-w-2xl text-sm text-slate-800" data-testid="next-seat-cost">
                The next member takes a paid seat ({nextSeat.included} included):{" "}
                {formatMoney(nextSeat.perPeriod, nextSeat.currency)}/{PERIOD_UNIT[nextSeat.period]},
                and {formatMoney(nextSeat.prorationAmount, nextSeat.currency)} for the rest of this
                period, added to the invoice of {formatDate(nextSeat.nextInvoiceAt)}.
              </p>
            )}
            <div className="mt-3">
              <InviteForm slug={workspace.slug} />
            </div>
          </section>

          <section aria-labelledby="invitations" className="mt-10">
            <h2 id="invitations" className="text-lg font-semibold text-slate-900">
              Open invitations
            </h2>
            <div className="mt-3">
              {invitations.length === 0 ? (
                <EmptyState testId="no-invitations">No open invitations.</EmptyState>
              ) : (
                <Table
                  caption="Open invitations, oldest first"
                  minWidth="min-w-[40rem]"
                  alignTop
                  testId="invitations"
                  columns={[
                    "Email",
                    "Role",
                    "Invited by",
                    "Expires",
                    { label: "Actions", hidden: true },
                  ]}
                >
                  {invitations.map((invitation) => (
                    <Row key={invitation.id} testId={`invitation-${invitation.email}`}>
                      <RowHeader>{invitation.email}</RowHeader>
                      <Cell>{ROLE_LABELS[invitation.role]}</Cell>
                      <Cell>{invitation.invitedBy ?? "—"}</Cell>
                      <Cell>
                        {invitation.expired ? (
                          <span className="font-medium text-amber-800">Expired</span>
                        ) : (
                          <Moment date={invitation.expiresAt} />
                        )}
                      </Cell>
                      <Cell className="text-right">
                        <div className="flex flex-wrap justify-end gap-2">
                          <ActionForm
                            action={resendInvitationAction}
                            fields={{ ...fields, invitationId: invitation.id }}
                          >
                            <SubmitButton variant="secondary" pendingLabel="Sending…">
                              Re-send<span className="sr-only"> to {invitation.email}</span>
                            </SubmitButton>
                          </ActionForm>
                          <ActionForm
                            action={revokeInvitationAction}
                            fields={{ ...fields, invitationId: invitation.id }}
                          >
                            <SubmitButton variant="danger" pendingLabel="Revoking…">
                              Revoke
                              <span className="sr-only"> invitation of {invitation.email}</span>
                            </SubmitButton>
                          </ActionForm>
                        </div>
                      </Cell>
                    </Row>
                  ))}
                </Table>
              )}
            </div>
          </section>
        </>
      )}
    </>
  );
}

/**
 * What one more member would cost, from Stripe's preview; null when the next member is
 * included, and when Stripe cannot be asked now (the page still works, the invitation too).
 */
async function nextSeatCost(workspaceId: string): Promise<SeatCostPreview | null> {
  try {
    return await previewSeatCost({ db: await getDb(), stripe: getStripe() }, workspaceId);
  } catch (error) {
    log.warn({ err: error, workspaceId }, "seat cost preview unavailable");
    return null;
  }
}
