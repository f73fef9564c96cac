import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, provideDatabase } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { type AppUser, createPasswordUser, setUserRole } from "@/lib/auth/users";
import { noParams, sessionCookie, TEST_ORIGIN, testRequest, withParams } from "@/lib/testing/http";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { PUT as setRoleRoute } from "./admin/users/[id]/role/route";
import { GET as meRoute } from "./me/route";
import { POST as signUpRoute } from "./sign-up/route";
import { DELETE as revokeKeyRoute } from "./workspaces/[slug]/api-keys/[id]/route";
import { POST as createKeyRoute, GET as listKeysRoute } from "./workspaces/[slug]/api-keys/route";

// The routes use the process-wide database; this file hands them one of its own.
let handle: DatabaseHandle;
let alice: AppUser;
let bob: AppUser;
let admin: AppUser;
/** The personal workspaces' slugs and ids, by user id. */
const personal = new Map<string, { id: string; slug: string }>();
const workspaceOf = (user: AppUser) => {
  const workspace = personal.get(user.id);
  if (!workspace) throw new Error("no personal workspace");
  return workspace;
};
const keysPath = (user: AppUser, rest = "") =>
  `/api/workspaces/${workspaceOf(user).slug}/api-keys${rest}`;
beforeAll(async () => {
  handle = await createTestDatabase();
  provideDatabase(handle);
  const make = (email: string) =>
    createPasswordUser(handle.db, { email, password: "password-123" });
  alice = await make("alice@example.com");
  bob = await make("bob@example.com");
  admin = await setUserRole(handle.db, {
    userId: (await make("root@example.com")).id,
    role: "admin",
  });
  for (const user of [alice, bob, admin]) {
    const { id, slug } = await ensurePersonalWorkspace(handle.db, user.id);
    personal.set(user.id, { id, slug });
  }
});
afterAll(async () => {
  await handle.close();
});

async function errorCode(response: Response): Promise<string> {
  const body: { error?: { code?: string } } = await response.json();
  return body.error?.code ?? "(no error code)";
}

describe("who may call", () => {
  it("answers 401 with no session and no key", async () => {
    const response = await meRoute(testRequest("/api/me"), noParams());
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("unauthorized");
  });

  it("accepts a session cookie and an API key, and says which", async () => {
    const bySession = await meRoute(
      testRequest("/api/me", { cookie: await sessionCookie(alice) }),
      noParams(),
    );
    expect(bySession.status).toBe(200);
    expect(await bySession.json()).toMatchObject({
      user: { id: alice.id },
      authenticatedWith: "session",
      workspaces: [
        { slug: workspaceOf(alice).slug, name: "Personal", role: "owner", personal: true },
      ],
    });

    const { key } = await createApiKey(handle.db, {
      userId: alice.id,
      workspaceId: workspaceOf(alice).id,
      sessionVersion: 0,
      name: "me",
    });
    const byKey = await meRoute(testRequest("/api/me", { apiKey: key }), noParams());
    expect(byKey.status).toBe(200);
    expect(await byKey.json()).toMatchObject({
      user: { id: alice.id },
      authenticatedWith: "api_key",
      apiKeyWorkspace: workspaceOf(alice).slug,
    });
  });

  it("answers 401 for a revoked or unknown key, even beside a valid session", async () => {
    const { key, id } = await createApiKey(handle.db, {
      userId: alice.id,
      workspaceId: workspaceOf(alice).id,
      sessionVersion: 0,
      name: "gone",
    });
    await revokeApiKey(handle.db, { workspaceId: workspaceOf(alice).id, keyId: id });
    const revoked = await meRoute(
      testRequest("/api/me", { apiKey: key, cookie: await sessionCookie(alice) }),
      noParams(),
    );
    expect(revoked.status).toBe(401);
    const unknown = await meRoute(testRequest("/api/me", { apiKey: "tg_00000000_x" }), noParams());
    expect(unknown.status).toBe(401);
  });

  it("answers 401 for a forged session cookie", async () => {
    const forged = `authjs.session-token=${"e30".repeat(40)}`;
    const response = await meRoute(testRequest("/api/me", { cookie: forged }), noParams());
    expect(response.status).toBe(401);
  });

  it("refuses API keys on session-only routes", async () => {
    const { key } = await createApiKey(handle.db, {
      userId: alice.id,
      workspaceId: workspaceOf(alice).id,
      sessionVersion: 0,
      name: "not here",
    });
    const response = await listKeysRoute(
      testRequest(keysPath(alice), { apiKey: key }),
      withParams({ slug: workspaceOf(alice).slug }),
    );
    expect(response.status).toBe(401);
  });
});

describe("admin routes", () => {
  it("answer 403 to a plain user and work for an admin", async () => {
    const asUser = await setRoleRoute(
      testRequest(`/api/admin/users/${bob.id}/role`, {
        method: "PUT",
        body: { role: "admin" },
        cookie: await sessionCookie(alice),
      }),
      withParams({ id: bob.id }),
    );
    expect(asUser.status).toBe(403);

    const asAdmin = await setRoleRoute(
      testRequest(`/api/admin/users/${bob.id}/role`, {
        method: "PUT",
        body: { role: "admin" },
        cookie: await sessionCookie(admin),
      }),
      withParams({ id: bob.id }),
    );
    expect(asAdmin.status).toBe(200);
    expect(await asAdmin.json()).toMatchObject({ user: { id: bob.id, role: "admin" } });
  });

  it("go by the role in the database, not the one in the token", async () => {
    // A token that still says admin after the user was demoted.
    const stale = await sessionCookie({ id: alice.id, role: "admin" });
    const response = await setRoleRoute(
      testRequest(`/api/admin/users/${bob.id}/role`, {
        method: "PUT",
        body: { role: "user" },
        cookie: stale,
      }),
      withParams({ id: bob.id }),
    );
    expect(response.status).toBe(403);
  });

  it("answer 409 to an admin changing their own role", async () => {
    const response = await setRoleRoute(
      testRequest(`/api/admin/users/${admin.id}/role`, {
        method: "PUT",
        body: { role: "user" },
        cookie: await sessionCookie(admin),
      }),
      withParams({ id: admin.id }),
    );
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: { code: "conflict", message: "You cannot change your own role." },
    });
  });

  it("answer 404 for an unknown user and 422 for an unknown role", async () => {
    const cookie = await sessionCookie(admin);
    const missing = await setRoleRoute(
      testRequest("/api/admin/users/nobody/role", {
        method: "PUT",
        body: { role: "user" },
        cookie,
      }),
      withParams({ id: "nobody" }),
    );
    expect(missing.status).toBe(404);
    const invalid = await setRoleRoute(
      testRequest(`/api/admin/users/${bob.id}/role`, {
        method: "PUT",
        body: { role: "owner" },
        cookie,
      }),
      withParams({ id: bob.id }),
    );
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({
      error: { code: "validation_failed", fields: [{ path: "role" }] },
    });
  });
});

describe("API keys over HTTP", () => {
  it("creates a key once, lists it without the secret, and revokes it", async () => {
    const cookie = await sessionCookie(bob);
    const slug = workspaceOf(bob).slug;
    const created = await createKeyRoute(
      testRequest(keysPath(bob), { body: { name: "deploy" }, cookie }),
      withParams({ slug }),
    );
    expect(created.status).toBe(201);
    const { apiKey } = (await created.json()) as { apiKey: { id: string; key: string } };
    expect(apiKey.key).toMatch(/^tg_/);

    const listed = await listKeysRoute(
      testRequest(keysPath(bob), { cookie }),
      withParams({ slug }),
    );
    const listing = await listed.text();
    expect(listing).toContain(apiKey.id);
    expect(listing).not.toContain(apiKey.key);

    // Each through their own workspace: another workspace's key is no key of it.
    const revoke = (as: AppUser, id: string) =>
      sessionCookie(as).then((c) =>
        revokeKeyRoute(
          testRequest(keysPath(as, `/${id}`), { method: "DELETE", cookie: c }),
          withParams({ slug: workspaceOf(as).slug, id }),
        ),
      );
    expect((await revoke(alice, apiKey.id)).status).toBe(404);
    expect((await revoke(bob, apiKey.id)).status).toBe(204);
    expect((await revoke(bob, apiKey.id)).status).toBe(404);
    expect((await revoke(bob, "not-a-uuid")).status).toBe(404);
  });

  it("answers 422 for a key without a name", async () => {
    const response = await createKeyRoute(
      testRequest(keysPath(bob), {
        body: { name: "  " },
        cookie: await sessionCookie(bob),
      }),
      withParams({ slug: workspaceOf(bob).slug }),
    );
    expect(response.status).toBe(422);
  });
});

describe("request safety", () => {
  it("refuses a state-changing call from a foreign origin with 403, before anything else", async () => {
    const response = await createKeyRoute(
      testRequest(keysPath(bob), {
        body: { name: "csrf" },
        cookie: await sessionCookie(bob),
        headers: { origin: "https://evil.example" },
      }),
      withParams({ slug: workspaceOf(bob).slug }),
    );
    expect(response.status).toBe(403);
    const crossSite = await signUpRoute(
      testRequest("/api/sign-up", {
        body: { email: "x@example.com", password: "password-123" },
        headers: { "sec-fetch-site": "cross-site" },
      }),
      noParams(),
    );
    expect(crossSite.status).toBe(403);
  });

  it("accepts the site's own origin", async () => {
    const response = await signUpRoute(
      testRequest("/api/sign-up", {
        body: { email: "new@example.com", password: "password-123", name: "New" },
        headers: { origin: TEST_ORIGIN, "x-forwarded-for": "192.0.2.1" },
      }),
      noParams(),
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ user: { email: "new@example.com" } });
  });

  it("answers 413 for an oversized body, 400 for broken JSON and 422 naming bad fields", async () => {
    const headers = { "x-forwarded-for": "192.0.2.2" };
    const large = await signUpRoute(
      testRequest("/api/sign-up", {
        body: { email: "a@b.co", password: "p".repeat(20_000) },
        headers,
      }),
      noParams(),
    );
    expect(large.status).toBe(413);

    const broken = await signUpRoute(
      testRequest("/api/sign-up", { body: "{email:", headers }),
      noParams(),
    );
    expect(broken.status).toBe(400);
    expect(await errorCode(broken)).toBe("invalid_json");

    const invalid = await signUpRoute(
      testRequest("/api/sign-up", { body: { email: "not-an-email", password: "short" }, headers }),
      noParams(),
    );
    expect(invalid.status).toBe(422);
    const body = (await invalid.json()) as { error: { fields: { path: string }[] } };
    expect(body.error.fields.map((field) => field.path).sort()).toEqual(["email", "password"]);
  });

  it("answers 409 when the email already has an account", async () => {
    const response = await signUpRoute(
      testRequest("/api/sign-up", {
        body: { email: "ALICE@example.com", password: "password-123" },
        headers: { "x-forwarded-for": "192.0.2.3" },
      }),
      noParams(),
    );
    expect(response.status).toBe(409);
  });

  it("answers 429 with Retry-After once an address signs up too often", async () => {
    const headers = { "x-forwarded-for": "192.0.2.99" };
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 12; i++) {
      last = await signUpRoute(
        testRequest("/api/sign-up", {
          body: { email: `spam${i}@example.com`, password: "password-123" },
          headers,
        }),
        noParams(),
      );
      statuses.push(last.status);
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another address is not affected.
    const other = await signUpRoute(
      testRequest("/api/sign-up", {
        body: { email: "legit@example.com", password: "password-123" },
        headers: { "x-forwarded-for": "192.0.2.100" },
      }),
      noParams(),
    );
    expect(other.status).toBe(201);
  });
});
