import "server-only";
import { and, eq, isNotNull } from "drizzle-orm";
import type { Database } from "@/db";
import { type User, type UserRole, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { hashPassword, verifyPassword } from "./password";

/** What the app knows about the person making a request; never includes the password hash. */
export type AppUser = Pick<User, "id" | "email" | "name" | "role">;

const appUserColumns = { id: users.id, email: users.email, name: users.name, role: users.role };

/** Emails are compared and stored lower-cased and trimmed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function getUserById(db: Database, id: string): Promise<AppUser | null> {
  const [row] = await db.select(appUserColumns).from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

/**
 * The user a session token names, or null when the token is stale: its session version (0 for
 * tokens that carry none) is not the user's current one, because every session of the user
 * was ended since (lib/auth/email-proof.ts). Read fresh on every request.
 */
export async function getSessionUser(
  db: Database,
  session: { id: string; sessionVersion: number | undefined },
): Promise<AppUser | null> {
  const [row] = await db
    .select({ ...appUserColumns, sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.id, session.id))
    .limit(1);
  if (!row || row.sessionVersion !== (session.sessionVersion ?? 0)) return null;
  const { sessionVersion: _version, ...user } = row;
  return user;
}

/** The user's current session version, which a new session token carries. */
export async function getSessionVersion(db: Database, id: string): Promise<number> {
  const [row] = await db
    .select({ sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row?.sessionVersion ?? 0;
}

/** What the account page shows about how the user signs in. */
export async function getSignInState(
  db: Database,
  id: string,
): Promise<{ emailVerified: boolean; hasPassword: boolean } | null> {
  const [row] = await db
    .select({ emailVerified: users.emailVerified, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row
    ? { emailVerified: row.emailVerified !== null, hasPassword: row.passwordHash !== null }
    : null;
}

/** True when this email is listed in ADMIN_EMAILS. */
export function isAdminEmail(email: string, adminEmails: readonly string[]): boolean {
  return adminEmails.includes(normalizeEmail(email));
}

/**
 * Creates an email + password account with its personal workspace, unverified and never admin: ADMIN_EMAILS applies only
 * once the address is proven (lib/auth/email-proof.ts). Throws `conflict` when the email is
 * taken: sign-up cannot hide that an account exists, so the sign-up form says so and points to
 * sign-in; sign-in itself never tells which of email or password was wrong.
 */
export async function createPasswordUser(
  db: Database,
  input: { email: string; password: string; name?: string | undefined },
): Promise<AppUser> {
  const email = normalizeEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  const [row] = await db
    .insert(users)
    .values({ email, name: input.name?.trim() || null, passwordHash, role: "user" })
    .onConflictDoNothing({ target: users.email })
    .returning(appUserColumns);
  if (!row) {
    throw new AppError("conflict", "An account with this email already exists. Sign in instead.", {
      details: {
        fields: [{ path: "email", message: "An account with this email already exists" }],
      },
    });
  }
  await ensurePersonalWorkspace(db, row.id);
  return row;
}

let dummyHash: Promise<string> | undefined;

/**
 * The user whose email and password match, or null. Takes as long for an unknown email as for
 * a wrong password (a hash is checked either way), so timing does not reveal accounts.
 *
 * `sessionVersion` is read in the same row as the hash, and a session signed in with this
 * password must carry it (not a version read later): a proof of the address that ends every
 * session and clears the password may commit while the hash is being checked, and the session
 * that password opens must then be one of those ended.
 */
export async function verifyPasswordUser(
  db: Database,
  email: string,
  password: string,
): Promise<(AppUser & { sessionVersion: number }) | null> {
  const [row] = await db
    .select({
      ...appUserColumns,
      passwordHash: users.passwordHash,
      sessionVersion: users.sessionVersion,
    })
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .limit(1);
  if (!row?.passwordHash) {
    dummyHash ??= hashPassword("tollgate-no-such-user");
    await verifyPassword(password, await dummyHash);
    return null;
  }
  if (!(await verifyPassword(password, row.passwordHash))) return null;
  const { passwordHash: _hash, ...user } = row;
  return user;
}

/**
 * Makes a user listed in ADMIN_EMAILS an admin, only once the address is verified (called at
 * every sign-in and at every proof of the address). Never demotes: removing an email from the
 * list leaves the role to `setUserRole`. Returns the current role.
 */
export async function applyAdminEmails(
  db: Database,
  user: { id: string; email: string | null },
  adminEmails: readonly string[],
): Promise<UserRole | null> {
  if (user.email && isAdminEmail(user.email, adminEmails)) {
    const [row] = await db
      .update(users)
      .set({ role: "admin" })
      .where(and(eq(users.id, user.id), isNotNull(users.emailVerified)))
      .returning({ role: users.role });
    if (row) return row.role;
  }
  const current = await getUserById(db, user.id);
  return current?.role ?? null;
}

/**
 * Promotes or demotes a user; setting the role a user already has changes nothing. `actor` is
 * who asks, on every path a person can take (the admin page, the admin API): it must be an
 * admin (`forbidden`) other than the user (`conflict`), so nobody locks themselves, perhaps the
 * last admin, out. Seeds and tests that set a role directly pass no actor. Throws `not_found`
 * for an unknown id.
 */
export async function setUserRole(
  db: Database,
  input: { userId: string; role: UserRole; actor?: { id: string; role: UserRole } },
): Promise<AppUser> {
  const { actor } = input;
  if (actor && actor.role !== "admin") {
    throw new AppError("forbidden", "Only an admin can change a role.");
  }
  if (actor && actor.id === input.userId) {
    throw new AppError("conflict", "You cannot change your own role.");
  }
  const [row] = await db
    .update(users)
    .set({ role: input.role })
    .where(eq(users.id, input.userId))
    .returning(appUserColumns);
  if (!row) throw new AppError("not_found", "No such user.");
  return row;
}
