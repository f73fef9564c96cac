import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { GET as verifyEmailRoute } from "@/app/(auth)/verify-email/route";
import { accounts, users } from "@/db/schema";
import { useAppDatabase } from "@/db/testing";
import { authenticateApiKey, createApiKey } from "@/lib/auth/api-keys";
import { recordEmailProof } from "@/lib/auth/email-proof";
import {
  EMAIL_VERIFICATION_TTL_MS,
  issueEmailVerificationToken,
} from "@/lib/auth/email-verification";
import { setPassword } from "@/lib/auth/set-password";
import { signUp } from "@/lib/auth/sign-up";
import { type AppUser, getSignInState, getUserById } from "@/lib/auth/users";
import { passwordSignIn, signInWithLink, whoAmI } from "@/lib/testing/auth";
import { testRequest } from "@/lib/testing/http";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";

// Read once, at the first sign-in of this file.
vi.stubEnv("ADMIN_EMAILS", "boss@example.com, new-boss@example.com");
const ADMIN = "boss@example.com";
const PASSWORD = "attacker-password";

const handle = useAppDatabase();

let ipCounter = 0;
const nextIp = () => `198.51.100.${++ipCounter}`;

/** Signs up through `signUp` (the sign-up form's and API's function). */
const signUpAs = (email: string) =>
  signUp(handle.db, { email, password: PASSWORD }, { ip: nextIp() });

/** Signs up and signs in with the password; the account and its session cookie. */
async function signedUp(email: string): Promise<{ user: AppUser; cookie: string | null }> {
  const user = await signUpAs(email);
  const { cookie } = await passwordSignIn({ email, password: PASSWORD, ip: nextIp() });
  return { user, cookie };
}

/** The personal workspace sign-up gave the user. */
const personalWorkspaceOf = async (userId: string) =>
  (await ensurePersonalWorkspace(handle.db, userId)).id;

async function openVerificationLink(token: string, cookie?: string | null): Promise<string> {
  const response = await verifyEmailRoute(
    testRequest(`/verify-email?token=${encodeURIComponent(token)}`, { cookie: cookie ?? "" }),
  );
  expect(response.status).toBe(303);
  return response.headers.get("location") ?? "";
}

describe("admin only for a proven address", () => {
  it("signing up with an address in ADMIN_EMAILS gives a plain, unverified account, even after signing in", async () => {
    const user = await signUpAs("Boss@Example.com");
    expect(user.role).toBe("user");
    expect(await getSignInState(handle.db, user.id)).toEqual({
      emailVerified: false,
      hasPassword: true,
    });
    const signedIn = await passwordSignIn({ email: ADMIN, password: PASSWORD, ip: nextIp() });
    expect(await whoAmI(signedIn.cookie)).toMatchObject({ id: user.id, role: "user" });
  });

  it("following the verification link while signed in verifies the address, keeps the password and makes a listed address admin", async () => {
    const [boss] = await handle.db.select().from(users).where(eq(users.email, ADMIN));
    if (!boss) throw new Error("the previous test creates the account");
    const session = await passwordSignIn({ email: ADMIN, password: PASSWORD, ip: nextIp() });
    const token = await issueEmailVerificationToken(handle.db, boss.id);

    expect(await openVerificationLink(token, session.cookie)).toMatch(/\/account\?email=verified$/);
    expect(await getSignInState(handle.db, boss.id)).toEqual({
      emailVerified: true,
      hasPassword: true,
    });
    expect(await whoAmI(session.cookie)).toMatchObject({ id: boss.id, role: "admin" });
    const again = await passwordSignIn({ email: ADMIN, password: PASSWORD, ip: nextIp() });
    expect(again.cookie).not.toBeNull();
  });

  it("a sign-in link for a new listed address creates a verified admin", async () => {
    const link = await signInWithLink(handle.db, "new-boss@example.com");
    expect(await whoAmI(link.cookie)).toMatchObject({ role: "admin" });
    const [created] = await handle.db
      .select({ emailVerified: users.emailVerified })
      .from(users)
      .where(eq(users.email, "new-boss@example.com"));
    expect(created?.emailVerified).toBeInstanceOf(Date);
  });
});

describe("the verification link", () => {
  it("opened without the account's session changes nothing and asks to sign in, coming back to it", async () => {
    const user = await signUpAs("away@example.com");
    const token = await issueEmailVerificationToken(handle.db, user.id);
    const location = new URL(await openVerificationLink(token));
    expect(location.pathname).toBe("/sign-in");
    expect(location.searchParams.get("callbackUrl")).toBe(
      `/verify-email?token=${encodeURIComponent(token)}`,
    );
    expect(await getSignInState(handle.db, user.id)).toMatchObject({ emailVerified: false });

    const session = await passwordSignIn({
      email: "away@example.com",
      password: PASSWORD,
      ip: nextIp(),
    });
    expect(await openVerificationLink(token, session.cookie)).toMatch(/email=verified$/);
  });

  it("works once, only for its own account and not after a day", async () => {
    const { user: owner, cookie: ownerCookie } = await signedUp("once@example.com");
    const { user: other, cookie: otherCookie } = await signedUp("other@example.com");

    const stale = await issueEmailVerificationToken(
      handle.db,
      owner.id,
      new Date(Date.now() - EMAIL_VERIFICATION_TTL_MS - 1000),
    );
    expect(await openVerificationLink(stale, ownerCookie)).toMatch(/email=link-invalid$/);

    const token = await issueEmailVerificationToken(handle.db, owner.id);
    expect(await openVerificationLink(token, otherCookie)).toMatch(/email=link-invalid$/);
    expect(await getSignInState(handle.db, other.id)).toMatchObject({ emailVerified: false });

    expect(await openVerificationLink(token, ownerCookie)).toMatch(/email=verified$/);
    expect(await openVerificationLink(token, ownerCookie)).toMatch(/email=link-invalid$/);
  });

  it("stops working when a newer one is sent", async () => {
    const { user, cookie } = await signedUp("resent@example.com");
    const first = await issueEmailVerificationToken(handle.db, user.id);
    const second = await issueEmailVerificationToken(handle.db, user.id);
    expect(await openVerificationLink(first, cookie)).toMatch(/email=link-invalid$/);
    expect(await openVerificationLink(second, cookie)).toMatch(/email=verified$/);
  });
});

describe("no pre-account hijack", () => {
  it("when the owner proves the address with a sign-in link, the password, API keys, linked accounts and sessions set up before are gone", async () => {
    const victim = "victim@example.com";
    // The attacker signs up with the victim's address, signs in, makes a key and links an
    // OAuth account of their own.
    const account = await signUp(
      handle.db,
      { email: victim, password: PASSWORD },
      { ip: "203.0.113.66" },
    );
    const attacker = await passwordSignIn({
      email: victim,
      password: PASSWORD,
      ip: "203.0.113.66",
    });
    expect(await whoAmI(attacker.cookie)).toMatchObject({ id: account.id });
    const key = await createApiKey(handle.db, {
      userId: account.id,
      workspaceId: await personalWorkspaceOf(account.id),
      sessionVersion: 0,
      name: "attacker",
    });
    await handle.db.insert(accounts).values({
      userId: account.id,
      type: "oauth",
      provider: "github",
      providerAccountId: "attacker-github",
    });

    // The owner of the address signs in with a link mailed to it.
    const owner = await signInWithLink(handle.db, victim);
    expect(owner.cookie).not.toBeNull();

    expect(await whoAmI(attacker.cookie)).toBe(401);
    expect(await whoAmI(owner.cookie)).toMatchObject({ id: account.id });
    expect(await authenticateApiKey(handle.db, key.key)).toBeNull();
    expect(await handle.db.select().from(accounts).where(eq(accounts.userId, account.id))).toEqual(
      [],
    );
    const retry = await passwordSignIn({ email: victim, password: PASSWORD, ip: "203.0.113.66" });
    expect(retry.cookie).toBeNull();
    // The owner is told to set a password (the account page offers "Set a password"), and can.
    expect(await getSignInState(handle.db, account.id)).toEqual({
      emailVerified: true,
      hasPassword: false,
    });
    await setPassword(
      handle.db,
      { userId: account.id, sessionVersion: 1 },
      { newPassword: "the-owners-password" },
    );
    const ownerAgain = await passwordSignIn({
      email: victim,
      password: "the-owners-password",
      ip: nextIp(),
    });
    expect(await whoAmI(ownerAgain.cookie)).toMatchObject({ id: account.id });
  });

  it("revokes every API key of the account, also one the database dated after the app's clock", async () => {
    const user = await signUpAs("skewed-clock@example.com");
    const key = await createApiKey(handle.db, {
      userId: user.id,
      workspaceId: await personalWorkspaceOf(user.id),
      sessionVersion: 0,
      name: "just made",
    });
    // The app's clock a minute behind the database's.
    const proof = await recordEmailProof(
      handle.db,
      { userId: user.id, how: "magic_link", now: new Date(Date.now() - 60_000) },
      [],
    );
    expect(proof).toMatchObject({ takenOver: true });
    expect(await authenticateApiKey(handle.db, key.key)).toBeNull();
  });

  it("a sign-in link on an account already verified ends nothing", async () => {
    const { user, cookie } = await signedUp("settled@example.com");
    await openVerificationLink(await issueEmailVerificationToken(handle.db, user.id), cookie);
    const key = await createApiKey(handle.db, {
      userId: user.id,
      workspaceId: await personalWorkspaceOf(user.id),
      sessionVersion: 0,
      name: "mine",
    });

    await signInWithLink(handle.db, "settled@example.com");
    expect(await whoAmI(cookie)).toMatchObject({ id: user.id });
    expect(await authenticateApiKey(handle.db, key.key)).toMatchObject({ user: { id: user.id } });
    expect(await getSignInState(handle.db, user.id)).toMatchObject({ hasPassword: true });
  });

  it("an OAuth proof keeps the account it came through and unlinks the others", async () => {
    const user = await signUpAs("oauth-owner@example.com");
    const link = (provider: string, providerAccountId: string) =>
      handle.db
        .insert(accounts)
        .values({ userId: user.id, type: "oauth", provider, providerAccountId });
    await link("github", "planted-by-attacker");
    await link("google", "owner-google");

    const proof = await recordEmailProof(
      handle.db,
      {
        userId: user.id,
        how: "oauth",
        email: "OAuth-Owner@example.com",
        keepAccount: { provider: "google", providerAccountId: "owner-google" },
      },
      [],
    );
    expect(proof).toMatchObject({ newlyVerified: true, takenOver: true, sessionVersion: 1 });
    const linked = await handle.db
      .select({ provider: accounts.provider })
      .from(accounts)
      .where(eq(accounts.userId, user.id));
    expect(linked).toEqual([{ provider: "google" }]);
    expect(await getSignInState(handle.db, user.id)).toEqual({
      emailVerified: true,
      hasPassword: false,
    });
  });

  it("an OAuth address that is not the account's proves nothing", async () => {
    const user = await signUpAs("mismatch@example.com");
    expect(
      await recordEmailProof(
        handle.db,
        { userId: user.id, how: "oauth", email: "someone-else@example.com" },
        [],
      ),
    ).toBeNull();
    expect(await getSignInState(handle.db, user.id)).toEqual({
      emailVerified: false,
      hasPassword: true,
    });
    expect((await getUserById(handle.db, user.id))?.role).toBe("user");
  });
});
