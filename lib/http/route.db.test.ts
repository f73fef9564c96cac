import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type DatabaseHandle, provideDatabase } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { type AppUser, createPasswordUser, setUserRole } from "@/lib/auth/users";
import { noParams, sessionCookie, TEST_ORIGIN, testRequest } from "@/lib/testing/http";
import { type Access, type RouteOptions, route } from "./route";

// Routes use the process-wide database; this file hands them one of its own.
let handle: DatabaseHandle;
let alice: AppUser;
let bob: AppUser;
let admin: AppUser;
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
});
afterAll(async () => {
  await handle.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** A route that answers who called it. */
function echo(access: Access, options?: RouteOptions) {
  return route(
    access,
    async ({ caller }) => Response.json({ caller: caller?.user.id ?? null }),
    options,
  );
}

async function post(
  handler: ReturnType<typeof echo>,
  init: { as?: AppUser; headers?: Record<string, string> } = {},
): Promise<Response> {
  const cookie = init.as ? await sessionCookie(init.as) : undefined;
  return handler(
    testRequest("/api/thing", { method: "POST", cookie, headers: init.headers }),
    noParams(),
  );
}

const once = (name: string) => ({ name, limit: 1, windowSeconds: 3600 });

describe("route() rate limits", () => {
  it("are charged after the origin check and the caller check, per user", async () => {
    const limited = echo("user", { rateLimit: once("route-test:user") });
    const foreign = await post(limited, {
      as: alice,
      headers: { origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect((await post(limited)).status).toBe(401);

    const first = await post(limited, { as: alice, headers: { origin: TEST_ORIGIN } });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ caller: alice.id });
    const second = await post(limited, { as: alice });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await post(limited, { as: bob })).status).toBe(200);
  });

  it("are charged per client address on public routes", async () => {
    const limited = echo("public", { rateLimit: once("route-test:public") });
    const from = (address: string) => ({ headers: { "x-forwarded-for": address } });
    expect((await post(limited, from("192.0.2.10"))).status).toBe(200);
    expect((await post(limited, from("192.0.2.10"))).status).toBe(429);
    expect((await post(limited, from("192.0.2.11"))).status).toBe(200);
  });
});

describe("route() admin access", () => {
  it("answers 403 to a signed-in user who is not an admin", async () => {
    const response = await post(echo("admin"), { as: alice });
    expect(response.status).toBe(403);
  });

  it("when hidden, answers such a user 404, still asks for a session, and serves admins", async () => {
    const hidden = echo("admin", { hidden: true });
    const asUser = await post(hidden, { as: alice });
    expect(asUser.status).toBe(404);
    expect(await asUser.json()).toEqual({ error: { code: "not_found", message: "Not found." } });
    expect((await post(hidden)).status).toBe(401);
    const asAdmin = await post(hidden, { as: admin });
    expect(asAdmin.status).toBe(200);
    expect(await asAdmin.json()).toEqual({ caller: admin.id });
  });
});

describe("route() cron access", () => {
  /** `echo("cron")` as loaded with CRON_SECRET set to `secret` (the configuration is read once). */
  async function cronRoute(secret: string | undefined) {
    vi.stubEnv("CRON_SECRET", secret ?? "");
    vi.resetModules();
    const fresh = await import("./route");
    return fresh.route("cron", async ({ caller }) => Response.json({ caller }));
  }

  const call = (handler: Awaited<ReturnType<typeof cronRoute>>, authorization?: string) =>
    handler(
      testRequest("/api/internal/job", {
        method: "POST",
        headers: authorization ? { authorization } : {},
      }),
      noParams(),
    );

  it("does not exist without CRON_SECRET", async () => {
    const handler = await cronRoute(undefined);
    expect((await call(handler, "Bearer anything")).status).toBe(404);
  });

  it("refuses a missing or wrong secret, or one sent without Bearer, with 401", async () => {
    const handler = await cronRoute("cron-secret-for-the-route-test");
    expect((await call(handler)).status).toBe(401);
    expect((await call(handler, "Bearer not-the-secret")).status).toBe(401);
    expect((await call(handler, "cron-secret-for-the-route-test")).status).toBe(401);
  });

  it("runs the handler for the cron secret, with no user as the caller", async () => {
    const handler = await cronRoute("cron-secret-for-the-route-test");
    const response = await call(handler, "Bearer cron-secret-for-the-route-test");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ caller: null });
  });
});
