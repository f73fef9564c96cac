"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { AppError } from "@/lib/errors";
import { action } from "@/lib/http/action";
import { NEEDS } from "@/lib/workspaces/access";
import { removeMember, transferOwnership } from "@/lib/workspaces/members";
import { deleteWorkspace, updateWorkspace } from "@/lib/workspaces/settings";
import { slugSchema, workspaceNameSchema } from "@/lib/workspaces/slug";
import { authorizeWorkspaceForm, workspaceReturnTo } from "../workspace-form";

const returnTo = workspaceReturnTo("settings");

/** Renames the workspace or moves it to a new address (then the page follows it there). */
export const updateWorkspaceAction = action(
  {
    access: "user",
    returnTo,
    schema: z.object({
      name: workspaceNameSchema,
      newSlug: z.preprocess((value) => (value === "" ? undefined : value), slugSchema.optional()),
    }),
    keep: ["name", "newSlug"],
    errorFields: { conflict: "newSlug", validation_failed: "newSlug" },
  },
  async ({ name, newSlug }, { user, formData }) => {
    const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.settings);
    const slug = workspace.personalUserId ? undefined : newSlug;
    const updated = await updateWorkspace(await getDb(), workspace, { name, slug });
    if (updated.slug !== workspace.slug) redirect(`/w/${updated.slug}/settings?saved=1`);
    revalidatePath(`/w/${updated.slug}`, "layout");
    return { status: "success", message: "Saved." };
  },
);

/** Hands the workspace to another member, after the person ticked the confirmation. */
export const transferAction = action(
  {
    access: "user",
    returnTo,
    schema: z.object({
      userId: z.string().min(1, "Choose a member"),
      confirm: z.literal("yes", "Tick the box to confirm"),
    }),
    invalid: "message",
  },
  async ({ userId }, { user, formData }) => {
    const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.transfer);
    await transferOwnership(await getDb(), { workspaceId: workspace.id, actorId: user.id, userId });
    revalidatePath(`/w/${workspace.slug}`, "layout");
    return { status: "success", message: "Ownership transferred. You are now an admin." };
  },
);

/** Deletes the workspace once the person typed its address. */
export const deleteWorkspaceAction = action(
  {
    access: "user",
    returnTo,
    schema: z.object({ confirmSlug: z.string() }),
    errorFields: { bad_request: "confirmSlug" },
  },
  async ({ confirmSlug }, { user, formData }) => {
    const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.delete);
    if (confirmSlug.trim().toLowerCase() !== workspace.slug) {
      throw new AppError("bad_request", `Type ${workspace.slug} to confirm.`);
    }
    await deleteWorkspace(await getDb(), workspace.id);
    redirect("/account?workspace=deleted");
  },
);

/** Leaves the workspace (not the last owner, never the personal one). */
export const leaveAction = action(
  { access: "user", returnTo, schema: z.object({}) },
  async (_input, { user, formData }) => {
    const { workspace } = await authorizeWorkspaceForm(formData, user.id, NEEDS.use);
    await removeMember(await getDb(), {
      workspaceId: workspace.id,
      actorId: user.id,
      userId: user.id,
    });
    redirect("/account?workspace=left");
  },
);
