/**
 * Test support for workspaces: people (verified or not) and team workspaces with members in
 * given roles, written straight to the database.
 */
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import {
  subscriptions,
  users,
  type WorkspaceRole,
  workspaceMembers,
  workspaces,
} from "@/db/schema";
import { AppError } from "@/lib/errors";
import { sessionCookie } from "@/lib/testing/http";
import { createWorkspace, ensurePersonalWorkspace } from "./workspaces";

export interface Person {
  id: string;
  email: string;
  cookie: string;
}

let sequence = 0;

/** A user with a personal workspace and a session cookie; verified unless said otherwise. */
export async function createPerson(
  db: Database,
  name: string,
  { verified = true }: { verified?: boolean } = {},
): Promise<Person> {
  sequence += 1;
  const email = `${name}-${sequence}-${Date.now().toString(36)}@example.com`;
  const [row] = await db
    .insert(users)
    .values({ email, name, emailVerified: verified ? new Date() : null })
    .returning();
  if (!row) throw new Error("user not inserted");
  await ensurePersonalWorkspace(db, row.id);
  return { id: row.id, email, cookie: await sessionCookie({ id: row.id }) };
}

/**
 * A team workspace owned by `owner`, with `others` added in their roles (no version bump). On
 * Pro unless told `free`: its mirror holds an active subscription (no Stripe behind it), so its
 * members are not capped; Free takes 2.
 */
export async function createTeam(
  db: Database,
  owner: Person,
  others: [Person, WorkspaceRole][] = [],
  { plan = "pro" }: { plan?: "free" | "pro" } = {},
): Promise<{ id: string; slug: string }> {
  sequence += 1;
  const workspace = await createWorkspace(db, {
    userId: owner.id,
    name: `Team ${sequence}`,
    slug: `team-${sequence}-${Date.now().toString(36)}`,
  });
  if (plan === "pro") {
    await db.insert(subscriptions).values({
      workspaceId: workspace.id,
      stripeSubscriptionId: `sub_test_${workspace.id}`,
      stripeCustomerId: `cus_test_${workspace.id}`,
      planTier: "pro",
      billingPeriod: "monthly",
      status: "active",
      quantity: 1 + others.length,
    });
  }
  for (const [person, role] of others) {
    await db
      .insert(workspaceMembers)
      .values({ workspaceId: workspace.id, userId: person.id, role });
  }
  return { id: workspace.id, slug: workspace.slug };
}

export async function membershipVersion(db: Database, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ version: workspaces.membershipVersion })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  if (!row) throw new Error("no such workspace");
  return row.version;
}

/** A team with one person in each role. */
export async function createTeamOfThree(db: Database) {
  const owner = await createPerson(db, "owner");
  const admin = await createPerson(db, "admin");
  const member = await createPerson(db, "member");
  const team = await createTeam(db, owner, [
    [admin, "admin"],
    [member, "member"],
  ]);
  return { team, owner, admin, member };
}

/** The AppError a call was refused with (fails the test when it was not refused so). */
export async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}
