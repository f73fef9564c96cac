import { Cell, Row, RowHeader, Table } from "@/components/ui/table";
import { Day } from "@/components/ui/time";
import type { CustomerMember } from "@/lib/admin/customers";
import { ROLE_LABELS } from "@/lib/workspaces/roles";
import { RoleForm } from "./role-form";

/**
 * A workspace's members with their role in it, and each person's site role with the action
 * that changes it (a site role is the person's, whichever workspace the page is about).
 */
export function MembersTable({
  members,
  workspaceId,
  viewerId,
}: {
  members: readonly CustomerMember[];
  workspaceId: string;
  viewerId: string;
}) {
  return (
    <Table
      caption="Members, owners first"
      minWidth="min-w-[48rem]"
      columns={["Member", "Role", "Joined (UTC)", "Site role"]}
    >
      {members.map((member) => (
        <Row key={member.id}>
          <RowHeader plain>
            <span className="text-slate-900">{member.email ?? member.name ?? member.id}</span>
            {member.email && member.name && (
              <span className="block text-xs text-slate-600">{member.name}</span>
            )}
          </RowHeader>
          <Cell className="text-slate-700">{ROLE_LABELS[member.role]}</Cell>
          <Cell className="whitespace-nowrap text-slate-700">
            <Day date={member.joinedAt} />
          </Cell>
          <Cell className="text-slate-700">
            <span className="block">{member.siteRole === "admin" ? "Site admin" : "User"}</span>
            {member.id === viewerId ? (
              <span className="text-xs text-slate-600">You: another admin can change it.</span>
            ) : (
              <div className="mt-2">
                <RoleForm
                  userId={member.id}
                  workspaceId={workspaceId}
                  role={member.siteRole}
                  who={member.email ?? member.name ?? "this member"}
                />
              </div>
            )}
          </Cell>
        </Row>
      ))}
    </Table>
  );
}
