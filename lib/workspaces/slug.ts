import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * The cookie naming the workspace a person last worked in (a slug): set by proxy.ts on a visit
 * to /w/<slug>/, read by `currentWorkspaceOf`, which checks the membership on every read.
 */
export const CURRENT_WORKSPACE_COOKIE = "tollgate-workspace";

/** A workspace address: lower-case letters, digits and inner dashes (db check `workspaces_slug_check`). */
export const SLUG_PATTERN = /^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$/;

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(SLUG_PATTERN, "Use 1–48 lower-case letters, digits and dashes (not at either end)");

export const workspaceNameSchema = z
  .string()
  .trim()
  .min(1, "Give the workspace a name")
  .max(80, "Use at most 80 characters");

/** A slug proposed from a name: "Acme, Inc." → "acme-inc". Empty when nothing is left. */
export function slugFromName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
}

/**
 * The slug of a user's personal workspace: fixed by their id, so the migration that created
 * personal workspaces for existing users (drizzle/0009) and sign-up agree.
 */
export function personalSlug(userId: string): string {
  return `personal-${createHash("md5").update(userId, "utf8").digest("hex").slice(0, 12)}`;
}
