"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import type { UserRole } from "@/db/schema";
import { IDLE } from "@/lib/form-state";
import { changeRoleAction } from "./actions";

/**
 * Makes a person a site admin, or takes it away. The form names the role it sets (not a
 * toggle), so submitting a stale page twice does the same thing twice. `workspaceId` is the
 * workspace page it is on, shown again afterwards.
 */
export function RoleForm({
  userId,
  workspaceId,
  role,
  who,
}: {
  userId: string;
  workspaceId: string;
  role: UserRole;
  /** Read after the button's label by screen readers: whose role. */
  who: string;
}) {
  const [state, action] = useActionState(changeRoleAction, IDLE);
  const target: UserRole = role === "admin" ? "user" : "admin";
  return (
    <div className="space-y-3">
      {state.status !== "idle" && state.message && (
        <FormAlert tone={state.status === "error" ? "error" : "success"}>{state.message}</FormAlert>
      )}
      <form action={action}>
        <input type="hidden" name="userId" value={userId} />
        <input type="hidden" name="workspaceId" value={workspaceId} />
        <input type="hidden" name="role" value={target} />
        <SubmitButton
          variant={target === "admin" ? "secondary" : "danger"}
          pendingLabel={target === "admin" ? "Making admin…" : "Removing admin…"}
        >
          {target === "admin" ? "Make site admin" : "Remove site admin"}
          <span className="sr-only"> ({who})</span>
        </SubmitButton>
      </form>
    </div>
  );
}
