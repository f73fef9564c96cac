import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import { useAppDatabase } from "@/db/testing";
import { createPasswordUser } from "@/lib/auth/users";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { authCsrf, passwordSignIn, signInWithLink } from "@/lib/testing/auth";
import { TEST_ORIGIN } from "@/lib/testing/http";
import { captureLog } from "@/lib/testing/log-capture";
import { GET, POST } from "./[...nextauth]/route";

// Whatever an earlier test file left: only `env()` may set AUTH_URL for this one.
vi.hoisted(() => {
  delete process.env.AUTH_URL;
});

// vitest.config.ts: FRONTEND_URL=http://localhost:3000; no EMAIL_SERVER, so sign-in links are
// written to the log, which is where these tests read them.
const FRONTEND_URL = "http://localhost:3000";
const SPOOFED = "evil.example";
const PASSWORD = "the-password";

const handle = useAppDatabase();

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** A request as Next builds it for a client that claims to be visiting `evil.example`. */
function spoofed(path: string, init: { method?: string; body?: string; cookie?: string } = {}) {
  const headers = new Headers({
    host: SPOOFED,
    "x-forwarded-host": SPOOFED,
    "x-forwarded-proto": "https",
    "x-forwarded-for": "203.0.113.7",
  });
  if (init.cookie) headers.set("cookie", init.cookie);
  if (init.body) headers.set("content-type", "application/x-www-form-urlencoded");
  return new NextRequest(`https://${SPOOFED}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body,
  });
}

/** Asks for a sign-in link as the sign-in page's form would; the links written to the log. */
async function requestLink(request: NextRequest): Promise<{ response: Response; links: string[] }> {
  const captured = captureLog();
  try {
    const response = await POST(request);
    const links = captured
      .lines()
      .filter((line) => String(line.msg).startsWith("magic sign-in link"))
      .map((line) => String(line.url));
    return { response, links };
  } finally {
    captured.restore();
  }
}

async function sessionOf(cookie: string): Promise<{ response: Response; userId: unknown }> {
  const response = await GET(
    new NextRequest(`${TEST_ORIGIN}/api/auth/session`, { headers: { cookie } }),
  );
  const body: unknown = await response.clone().json();
  const user =
    typeof body === "object" && body !== null && "user" in body ? (body.user as object) : null;
  return { response, userId: user && "id" in user ? user.id : null };
}

const expires = (name: string) => expect.stringMatching(new RegExp(`^${name}=; .*Max-Age=0`));

describe("a sign-in link requested with a spoofed Host and X-Forwarded-Host", () => {
  it("points at FRONTEND_URL, and so do the redirects before and after it is followed", async () => {
    const csrf = await GET(spoofed("/api/auth/csrf"));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers
      .getSetCookie()
      .map((line) => line.split(";")[0])
      .join("; ");

    const { response, links } = await requestLink(
      spoofed("/api/auth/signin/nodemailer", {
        method: "POST",
        cookie,
        body: form({ csrfToken, email: "ada@example.com", callbackUrl: "/account" }),
      }),
    );

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(new RegExp(`^${FRONTEND_URL}/`));
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/^http:\/\/localhost:3000\/api\/auth\/callback\/nodemailer\?/);
    expect(links[0]).not.toContain(SPOOFED);

    const followed = await signInWithLink(handle.db, "ada@example.com", `https://${SPOOFED}`);
    expect(followed.location).toBe(`${FRONTEND_URL}/account`);
  });
});

describe("sign-in-link requests sent from another site", () => {
  it("are refused before they count against the network's limit, whose own requests still go out", async () => {
    const ip = "198.51.100.40";
    const foreign = (headers: Record<string, string>) =>
      requestLink(
        new NextRequest(`${TEST_ORIGIN}/api/auth/signin/nodemailer`, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "x-forwarded-for": ip,
            ...headers,
          },
          body: form({ email: "victim@example.com" }),
        }),
      );
    for (let i = 0; i < RATE_LIMITS.magicLinkByIp.limit; i++) {
      expect((await foreign({ "sec-fetch-site": "cross-site" })).response.status).toBe(403);
    }
    expect((await foreign({ origin: "https://evil.example" })).response.status).toBe(403);

    const { csrfToken, cookie } = await authCsrf();
    const own = await requestLink(
      new NextRequest(`${TEST_ORIGIN}/api/auth/signin/nodemailer`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-forwarded-for": ip,
          "sec-fetch-site": "same-origin",
          origin: TEST_ORIGIN,
          cookie,
        },
        body: form({ csrfToken, email: "victim@example.com" }),
      }),
    );
    expect(own.response.status).toBe(302);
    expect(own.links).toHaveLength(1);
  });

  it("are counted by IPv6 /64: another address of the same network shares its limit", async () => {
    const ask = async (ip: string) => {
      const { csrfToken, cookie } = await authCsrf();
      return requestLink(
        new NextRequest(`${TEST_ORIGIN}/api/auth/signin/nodemailer`, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "x-forwarded-for": ip,
            cookie,
          },
          body: form({ csrfToken, email: "v6@example.com" }),
        }),
      );
    };
    for (let i = 1; i <= RATE_LIMITS.magicLinkByIp.limit; i++) {
      expect((await ask(`2001:db8:40:1::${i.toString(16)}`)).response.status).toBe(302);
    }
    expect((await ask("2001:db8:40:1:ffff::1")).response.status).toBe(429);
    expect((await ask("2001:db8:40:2::1")).response.status).toBe(302);
  });
});

describe("a session cookie whose session has ended", () => {
  it("is no session to Auth.js: /api/auth/session answers none and expires the cookie", async () => {
    const email = "ended@example.com";
    const user = await createPasswordUser(handle.db, { email, password: PASSWORD });
    const { cookie } = await passwordSignIn({ email, password: PASSWORD, ip: "198.51.100.41" });
    if (!cookie) throw new Error("the password sign-in gave no session");
    expect((await sessionOf(cookie)).userId).toBe(user.id);

    // The owner of the address signs in with a link: every earlier session ends.
    await signInWithLink(handle.db, email);

    const { response, userId } = await sessionOf(cookie);
    expect(userId).toBeNull();
    expect(response.headers.getSetCookie()).toContainEqual(expires("authjs.session-token"));
  });

  it("is dropped alone: the CSRF cookie beside it still works", async () => {
    const email = "ended-csrf@example.com";
    await createPasswordUser(handle.db, { email, password: PASSWORD });
    const { cookie } = await passwordSignIn({ email, password: PASSWORD, ip: "198.51.100.42" });
    await signInWithLink(handle.db, email);

    const csrf = await authCsrf();
    const { response, links } = await requestLink(
      new NextRequest(`${TEST_ORIGIN}/api/auth/signin/nodemailer`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-forwarded-for": "198.51.100.42",
          cookie: `${csrf.cookie}; ${cookie}`,
        },
        body: form({ csrfToken: csrf.csrfToken, email }),
      }),
    );
    expect(response.headers.get("location")).toMatch(/\/api\/auth\/verify-request\?/);
    expect(links).toHaveLength(1);
    expect(response.headers.getSetCookie()).toContainEqual(expires("authjs.session-token"));
  });

  it("of a deleted user is no session either", async () => {
    const email = "deleted@example.com";
    const user = await createPasswordUser(handle.db, { email, password: PASSWORD });
    const { cookie } = await passwordSignIn({ email, password: PASSWORD, ip: "198.51.100.43" });
    if (!cookie) throw new Error("the password sign-in gave no session");
    await handle.db.delete(users).where(eq(users.id, user.id));

    const { response, userId } = await sessionOf(cookie);
    expect(userId).toBeNull();
    expect(response.headers.getSetCookie()).toContainEqual(expires("authjs.session-token"));
  });
});
