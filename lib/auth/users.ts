import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { type User, type UserRole, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
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

/** The role a user with this email must have at least: admin when listed in ADMIN_EMAILS. */
function roleFor(email: string, adminEmails: readonly string[]): UserRole {
  return adminEmails.includes(normalizeEmail(email)) ? "admin" : "user";
}

/**
 * Creates an email + password account. Throws `conflict` when the email is taken: sign-up
 * cannot hide that an account exists without email verification, so the sign-up form says so
 * and points to sign-in; sign-in itself never tells which of email or password was wrong.
 */
export async function createPasswordUser(
  db: Database,
  input: { email: string; password: string; name?: string | undefined },
  adminEmails: readonly string[],
): Promise<AppUser> {
  const email = normalizeEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  const [row] = await db
    .insert(users)
    .values({
      email,
      name: input.name?.trim() || null,
      passwordHash,
      role: roleFor(email, adminEmails),
    })
    .onConflictDoNothing({ target: users.email })
    .returning(appUserColumns);
  if (!row) {
    throw new AppError("conflict", "An account with this email already exists. Sign in instead.", {
      details: {
        fields: [{ path: "email", message: "An account with this email already exists" }],
      },
    });
  }
  return row;
}

let dummyHash: Promise<string> | undefined;

/**
 * The user whose email and password match, or null. Takes as long for an unknown email as for
 * a wrong password (a hash is checked either way), so timing does not reveal accounts.
 */
export async function verifyPasswordUser(
  db: Database,
  email: string,
  password: string,
): Promise<AppUser | null> {
  const [row] = await db
    .select({ ...appUserColumns, passwordHash: users.passwordHash })
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
 * Makes a user listed in ADMIN_EMAILS an admin (called at every sign-in). Never demotes:
 * removing an email from the list leaves the role to `setUserRole`. Returns the current role.
 */
export async function applyAdminEmails(
  db: Database,
  user: { id: string; email: string | null },
  adminEmails: readonly string[],
): Promise<UserRole | null> {
  if (user.email && roleFor(user.email, adminEmails) === "admin") {
    const [row] = await db
      .update(users)
      .set({ role: "admin" })
      .where(eq(users.id, user.id))
      .returning({ role: users.role });
    return row?.role ?? null;
  }
  const current = await getUserById(db, user.id);
  return current?.role ?? null;
}

/** Promotes or demotes a user. Throws `not_found` for an unknown id. */
export async function setUserRole(
  db: Database,
  input: { userId: string; role: UserRole },
): Promise<AppUser> {
  const [row] = await db
    .update(users)
    .set({ role: input.role })
    .where(eq(users.id, input.userId))
    .returning(appUserColumns);
  if (!row) throw new AppError("not_found", "No such user.");
  return row;
}
