import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type DatabaseHandle, provideDatabase } from "@/db";
import { accounts, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { signUp } from "@/lib/auth/sign-up";
import {
  authCsrf,
  passwordSignIn,
  type SignInAnswer,
  signInAnswer,
  signInWithLink,
  whoAmI,
} from "@/lib/testing/auth";
import { TEST_ORIGIN } from "@/lib/testing/http";
import { listWorkspacesOf } from "@/lib/workspaces/workspaces";
import { GET, POST } from "./[...nextauth]/route";

// GitHub sign-in on (read at the first request of this file); GitHub itself is played by
// `fakeGitHub` below, the only stand-in: Auth.js, the route and the database are real.
vi.stubEnv("AUTH_GITHUB_ID", "tollgate-test-client");
vi.stubEnv("AUTH_GITHUB_SECRET", "tollgate-test-client-secret");

interface GitHubUser {
  id: number;
  login: string;
  /** The account's primary address, which GitHub says it verified. */
  email: string;
}

/** Who GitHub says is signing in, per authorization code handed out. */
const githubUsers = new Map<string, GitHubUser>();

/** GitHub's token endpoint and REST API, as much of them as Auth.js and lib/auth/auth.ts call. */
async function fakeGitHub(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const url = new URL(request.url);
  if (url.href === "https://github.com/login/oauth/access_token") {
    const code = new URLSearchParams(await request.text()).get("code") ?? "";
    if (!githubUsers.has(code)) return Response.json({ error: "bad_verification_code" });
    return Response.json({ access_token: code, token_type: "bearer", scope: "read:user" });
  }
  const user = githubUsers.get(request.headers.get("authorization")?.replace("Bearer ", "") ?? "");
  if (url.origin !== "https://api.github.com" || !user) {
    return new Response("not found", { status: 404 });
  }
  if (url.pathname === "/user") return Response.json({ id: user.id, login: user.login });
  if (url.pathname === "/user/emails") {
    return Response.json([{ email: user.email, primary: true, verified: true }]);
  }
  return new Response("not found", { status: 404 });
}

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
  provideDatabase(handle);
  vi.stubGlobal("fetch", fakeGitHub);
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await handle.close();
});

const cookiePairs = (response: Response) =>
  response.headers.getSetCookie().map((line) => line.split(";")[0] ?? "");

/**
 * Signs in with GitHub as a browser does: the sign-in button's POST, GitHub sending the
 * browser back with a code, the callback. `session` is a session cookie the browser already
 * holds.
 */
async function signInWithGitHub(user: GitHubUser, session?: string | null): Promise<SignInAnswer> {
  const { csrfToken, cookie } = await authCsrf();
  const start = await POST(
    new NextRequest(`${TEST_ORIGIN}/api/auth/signin/github`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ csrfToken, callbackUrl: "/account" }),
    }),
  );
  const authorize = new URL(start.headers.get("location") ?? "");
  expect(authorize.origin + authorize.pathname).toBe("https://github.com/login/oauth/authorize");

  const code = `code-${user.id}-${githubUsers.size}`;
  githubUsers.set(code, user);
  const callback = new URL(`${TEST_ORIGIN}/api/auth/callback/github`);
  callback.searchParams.set("code", code);
  const state = authorize.searchParams.get("state");
  if (state) callback.searchParams.set("state", state);
  const cookies = [cookie, ...cookiePairs(start), ...(session ? [session] : [])].join("; ");
  return signInAnswer(await GET(new NextRequest(callback, { headers: { cookie: cookies } })));
}

async function linkedTo(providerAccountId: string): Promise<string[]> {
  const rows = await handle.db
    .select({ userId: accounts.userId })
    .from(accounts)
    .where(eq(accounts.providerAccountId, providerAccountId));
  return rows.map((row) => row.userId);
}

async function userIdOf(email: string): Promise<string | undefined> {
  const [row] = await handle.db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return row?.id;
}

describe("GitHub sign-in on top of an existing session", () => {
  it("with a session the owner's proof ended, does not link the hijacker's GitHub account to the owner's account", async () => {
    const victim = "victim@example.com";
    // Someone signs up with the victim's address and keeps the session cookie.
    const account = await signUp(
      handle.db,
      { email: victim, password: "attacker-password" },
      { ip: "203.0.113.70" },
    );
    const attacker = await passwordSignIn({
      email: victim,
      password: "attacker-password",
      ip: "203.0.113.70",
    });
    // The owner proves the address with a sign-in link: that session ends.
    await signInWithLink(handle.db, victim);
    expect(await whoAmI(attacker.cookie)).toBe(401);

    const mallory = { id: 7001, login: "mallory", email: "mallory@example.net" };
    const answer = await signInWithGitHub(mallory, attacker.cookie);

    // The GitHub account signed in to an account of its own address instead.
    const own = await userIdOf(mallory.email);
    expect(own).toBeDefined();
    expect(own).not.toBe(account.id);
    expect(await linkedTo("7001")).toEqual([own]);
    expect(await whoAmI(answer.cookie)).toMatchObject({ id: own });
  });

  it("with a current session, refuses a GitHub account whose verified address is another", async () => {
    const ada = await signInWithLink(handle.db, "ada@example.com");
    const adaId = await userIdOf("ada@example.com");

    const answer = await signInWithGitHub(
      { id: 7002, login: "eve", email: "eve@example.net" },
      ada.cookie,
    );

    expect(answer.location).toBe(`${TEST_ORIGIN}/sign-in?error=OAuthOtherAddress`);
    expect(answer.cookie).toBeNull();
    expect(await linkedTo("7002")).toEqual([]);
    expect(await whoAmI(ada.cookie)).toMatchObject({ id: adaId });
  });

  it("with a current session, links a GitHub account of the same verified address", async () => {
    const grace = await signInWithLink(handle.db, "grace@example.com");
    const graceId = await userIdOf("grace@example.com");

    const answer = await signInWithGitHub(
      { id: 7003, login: "grace", email: "Grace@Example.com" },
      grace.cookie,
    );

    expect(await linkedTo("7003")).toEqual([graceId]);
    expect(await whoAmI(answer.cookie)).toMatchObject({ id: graceId });
  });
});

describe("every way of signing up", () => {
  /** The workspaces of the account at `email`: its personal one alone, owned by it. */
  async function expectOnlyPersonalWorkspace(email: string): Promise<void> {
    const id = await userIdOf(email);
    if (!id) throw new Error(`no account for ${email}`);
    expect(await listWorkspacesOf(handle.db, id)).toEqual([
      { role: "owner", workspace: expect.objectContaining({ personalUserId: id }) },
    ]);
  }

  it("gives the new person a personal workspace they own: password, sign-in link and GitHub", async () => {
    await signUp(
      handle.db,
      { email: "by-password@example.com", password: "a-long-password" },
      { ip: "203.0.113.71" },
    );
    await expectOnlyPersonalWorkspace("by-password@example.com");

    await signInWithLink(handle.db, "by-link@example.com");
    await expectOnlyPersonalWorkspace("by-link@example.com");

    const answer = await signInWithGitHub({
      id: 7004,
      login: "octo",
      email: "by-github@example.com",
    });
    expect(answer.cookie).not.toBeNull();
    await expectOnlyPersonalWorkspace("by-github@example.com");
  });

  it("makes no second workspace for a person who signs in again", async () => {
    await signInWithLink(handle.db, "by-link@example.com");
    await signInWithGitHub({ id: 7004, login: "octo", email: "by-github@example.com" });
    await expectOnlyPersonalWorkspace("by-link@example.com");
    await expectOnlyPersonalWorkspace("by-github@example.com");
  });
});
