import "server-only";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import type { Adapter } from "next-auth/adapters";
import type { Database } from "@/db";
import { accounts, sessions, users, verificationTokens } from "@/db/schema";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { recordEmailProof } from "./email-proof";
import { normalizeEmail } from "./users";

/**
 * Auth.js's Drizzle adapter with three changes. A user it creates (OAuth, sign-in link) gets
 * their personal workspace at once. Emails are looked up and stored lower-cased
 * (OAuth profiles may carry mixed case). And a sign-in link's proof of the address, which
 * Auth.js records by writing `emailVerified` (on the existing user, or on the user it creates),
 * goes through `recordEmailProof` instead: ADMIN_EMAILS applies then, and on an unverified
 * password account whatever was set up before the proof is undone.
 */
export function tollgateAdapter(db: Database, adminEmails: readonly string[]): Adapter {
  const base = DrizzleAdapter(db, {
    usersTable: users,
    accountsTable: accounts,
    sessionsTable: sessions,
    verificationTokensTable: verificationTokens,
  });
  const { createUser, getUser, getUserByEmail, updateUser } = base;
  if (!createUser || !getUser || !getUserByEmail || !updateUser) {
    throw new Error("the Drizzle adapter lacks the user methods Auth.js needs");
  }
  const proveByLink = (userId: string, at: Date) =>
    recordEmailProof(db, { userId, how: "magic_link", now: at }, adminEmails);

  return {
    ...base,
    getUserByEmail: (email) => getUserByEmail(normalizeEmail(email)),
    async createUser({ emailVerified, ...user }) {
      const created = await createUser({
        ...user,
        email: normalizeEmail(user.email),
        emailVerified: null,
      });
      await ensurePersonalWorkspace(db, created.id);
      if (!emailVerified) return created;
      await proveByLink(created.id, emailVerified);
      return (await getUser(created.id)) ?? created;
    },
    async updateUser({ emailVerified, ...changes }) {
      if (emailVerified) await proveByLink(changes.id, emailVerified);
      const user =
        Object.keys(changes).length > 1 ? await updateUser(changes) : await getUser(changes.id);
      if (!user) throw new Error("updateUser: no such user");
      return user;
    },
  };
}
