/**
 * Demo data for development: one admin and a few plain users, all signing in with the same
 * password, each with the personal workspace sign-up gives. Idempotent: users are matched by
 * email, so running it again changes nothing (an existing user keeps its password and role; an
 * admin demoted by hand becomes admin again; a user without a personal workspace gets one).
 */
import { inArray, sql } from "drizzle-orm";
import { hashPassword } from "../lib/auth/password";
import { type Env, isLocalAddress } from "../lib/env";
import { personalSlug } from "../lib/workspaces/slug";
import type { Database } from "./index";
import { type NewUser, users, workspaceMembers, workspaces } from "./schema";

export const SEED_ADMIN_EMAIL = "admin@tollgate.local";
export const SEED_USER_EMAILS = [
  "ada@tollgate.local",
  "grace@tollgate.local",
  "linus@tollgate.local",
] as const;

export const DEMO_PASSWORD = "tollgate-demo";

/**
 * The demo accounts' password: SEED_PASSWORD, or the well-known demo password only for a
 * development database on this machine (PGlite, or a Postgres at a local address). Anything
 * else — production, or a DATABASE_URL on another host, which may be shared or public — needs
 * SEED_PASSWORD, so no reachable deployment gets accounts with a published password.
 */
export function seedPassword(
  config: Pick<Env, "NODE_ENV" | "DATABASE_URL">,
  given: string | undefined,
): { password: string } | { refusal: string } {
  if (given) return { password: given };
  if (config.NODE_ENV === "production") {
    return { refusal: "SEED_PASSWORD must be set to seed a production database" };
  }
  if (config.DATABASE_URL && !isLocalAddress(config.DATABASE_URL)) {
    return {
      refusal:
        "SEED_PASSWORD must be set to seed a database on another host " +
        `(${new URL(config.DATABASE_URL).hostname}); the demo password is for local databases only`,
    };
  }
  return { password: DEMO_PASSWORD };
}

export interface SeedResult {
  created: string[];
  existing: string[];
}

export async function seed(
  db: Database,
  options: { password: string; adminEmails?: string[] },
): Promise<SeedResult> {
  const passwordHash = await hashPassword(options.password);
  const admins = new Set([SEED_ADMIN_EMAIL, ...(options.adminEmails ?? [])]);
  const rows: NewUser[] = [
    { email: SEED_ADMIN_EMAIL, name: "Admin", role: "admin", passwordHash },
    ...SEED_USER_EMAILS.map((email) => ({
      email,
      name: email.split("@")[0]?.replace(/^./, (c) => c.toUpperCase()) ?? email,
      role: admins.has(email) ? ("admin" as const) : ("user" as const),
      passwordHash,
    })),
  ];
  const inserted = await db
    .insert(users)
    .values(rows)
    .onConflictDoUpdate({
      target: users.email,
      // Changes nothing but making the admins admins again; nobody is demoted.
      set: { role: sql`case when excluded.role = 'admin' then 'admin' else ${users.role} end` },
    })
    .returning({ id: users.id, email: users.email, isNew: sql<boolean>`xmax = 0` });
  await ensurePersonalWorkspaces(
    db,
    inserted.map((row) => row.id),
  );
  return {
    created: inserted.filter((row) => row.isNew).flatMap((row) => (row.email ? [row.email] : [])),
    existing: inserted.filter((row) => !row.isNew).flatMap((row) => (row.email ? [row.email] : [])),
  };
}

/**
 * What `ensurePersonalWorkspace` (lib/workspaces/workspaces.ts) does at sign-up, for many users
 * at once; that module is server-only, and the seed runs as a plain script.
 */
async function ensurePersonalWorkspaces(db: Database, userIds: string[]): Promise<void> {
  await db
    .insert(workspaces)
    .values(userIds.map((id) => ({ name: "Personal", slug: personalSlug(id), personalUserId: id })))
    .onConflictDoNothing();
  const personal = await db
    .select({ id: workspaces.id, userId: workspaces.personalUserId })
    .from(workspaces)
    .where(inArray(workspaces.personalUserId, userIds));
  await db
    .insert(workspaceMembers)
    .values(
      personal.flatMap(({ id, userId }) =>
        userId ? [{ workspaceId: id, userId, role: "owner" as const }] : [],
      ),
    )
    .onConflictDoNothing();
}
