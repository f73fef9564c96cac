import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type DatabaseHandle, provideDatabase } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { log } from "@/lib/log";
import { GET, POST } from "./[...nextauth]/route";

// Whatever an earlier test file left: only `env()` may set AUTH_URL for this one.
vi.hoisted(() => {
  delete process.env.AUTH_URL;
});

const FRONTEND_URL = "http://localhost:3000";
const SPOOFED = "evil.example";

let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await createTestDatabase();
  provideDatabase(handle);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await handle.close();
});

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

describe("a sign-in link requested with a spoofed Host and X-Forwarded-Host", () => {
  it("still points at FRONTEND_URL, and so does the redirect that follows", async () => {
    const csrf = await GET(spoofed("/api/auth/csrf"));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers
      .getSetCookie()
      .map((line) => line.split(";")[0])
      .join("; ");

    const info = vi.spyOn(log, "info");
    const response = await POST(
      spoofed("/api/auth/signin/nodemailer", {
        method: "POST",
        cookie,
        body: new URLSearchParams({
          csrfToken,
          email: "ada@example.com",
          callbackUrl: "/account",
        }).toString(),
      }),
    );

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(new RegExp(`^${FRONTEND_URL}/`));
    const sent = info.mock.calls.find(([, message]) => message?.startsWith("magic sign-in link"));
    const url = (sent?.[0] as { url?: string } | undefined)?.url ?? "";
    expect(url.startsWith(`${FRONTEND_URL}/api/auth/callback/nodemailer?`)).toBe(true);
    expect(url).not.toContain(SPOOFED);
  });
});
