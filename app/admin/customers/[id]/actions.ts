"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { USER_ROLES } from "@/db/schema";
import { adminWorkspaceOrThrow } from "@/lib/admin/customer-workspace";
import { setUserRole } from "@/lib/auth/users";
import { cancelSubscription } from "@/lib/billing/service/cancel";
import { resumeSubscription } from "@/lib/billing/service/resume";
import { getStripe } from "@/lib/billing/stripe/client";
import { formText } from "@/lib/form-state";
import { action } from "@/lib/http/action";
import { log } from "@/lib/log";

const CHOOSE_ROLE = "Choose a role for a user.";

const roleChangeSchema = z.object({
  userId: z.string({ error: CHOOSE_ROLE }).min(1, CHOOSE_ROLE).max(128, CHOOSE_ROLE),
  /** The workspace page the form is on; blank: the user's (which leads to their personal one). */
  workspaceId: z.union([z.literal(""), z.guid({ error: CHOOSE_ROLE })]),
  role: z.enum(USER_ROLES, { error: CHOOSE_ROLE }),
});

/** The customer page the form was on. */
const pageOf = (workspaceId: string, userId: string) =>
  `/admin/customers/${encodeURIComponent(workspaceId || userId)}`;

/**
 * Promotes or demotes a user, as PUT /api/admin/users/:id/role does: admins only, and never
 * the acting admin themselves (`setUserRole` refuses that). Setting the role a user already has
 * succeeds and changes nothing. The site role is the person's, shown on the page of every
 * workspace they are a member of.
 */
export const changeRoleAction = action(
  {
    access: "admin",
    returnTo: (formData) => pageOf(formText(formData, "workspaceId"), formText(formData, "userId")),
    schema: roleChangeSchema,
    invalid: "message",
  },
  async ({ userId, workspaceId, role }, { user: admin }) => {
    const user = await setUserRole(await getDb(), { userId, role, actor: admin });
    log.info({ actorId: admin.id, userId: user.id, role: user.role }, "user role changed");
    revalidatePath(pageOf(workspaceId, user.id));
    revalidatePath("/admin/customers");
    const who = user.email ?? user.name ?? "The user";
    return {
      status: "success",
      message: user.role === "admin" ? `${who} is now an admin.` : `${who} is no longer an admin.`,
    };
  },
);

const NAME_WORKSPACE = "Name the workspace whose subscription to change.";

const cancelSchema = z.object({
  workspaceId: z.guid({ error: NAME_WORKSPACE }),
  when: z.enum(["period_end", "now"], { error: "Choose when the subscription ends." }),
});

const resumeSchema = z.object({ workspaceId: z.guid({ error: NAME_WORKSPACE }) });

/**
 * Ends a workspace's subscription as POST /api/admin/workspaces/:id/subscription/cancel does,
 * for a site admin: at the period end (then only an admin can undo it) or now (no refund).
 */
export const cancelWorkspaceSubscriptionAction = action(
  {
    access: "admin",
    returnTo: (formData) => pageOf(formText(formData, "workspaceId"), ""),
    schema: cancelSchema,
    invalid: "message",
  },
  async ({ workspaceId, when }, { user: admin }) => {
    const db = await getDb();
    const workspace = await adminWorkspaceOrThrow(db, workspaceId);
    await cancelSubscription({
      db,
      stripe: getStripe(),
      workspaceId: workspace.id,
      actor: { id: admin.id, siteAdmin: true },
      immediately: when === "now",
    });
    revalidatePath(pageOf(workspace.id, ""));
    revalidatePath("/admin/customers");
    return {
      status: "success",
      message:
        when === "now"
          ? "The subscription has ended."
          : "The subscription ends at the end of its period.",
    };
  },
);

/** Undoes a workspace's scheduled cancellation, an admin's included, as the resume route does. */
export const resumeWorkspaceSubscriptionAction = action(
  {
    access: "admin",
    returnTo: (formData) => pageOf(formText(formData, "workspaceId"), ""),
    schema: resumeSchema,
    invalid: "message",
  },
  async ({ workspaceId }, { user: admin }) => {
    const db = await getDb();
    const workspace = await adminWorkspaceOrThrow(db, workspaceId);
    await resumeSubscription({
      db,
      stripe: getStripe(),
      workspaceId: workspace.id,
      actor: { id: admin.id, siteAdmin: true },
    });
    revalidatePath(pageOf(workspace.id, ""));
    revalidatePath("/admin/customers");
    return { status: "success", message: "The subscription renews again." };
  },
);
