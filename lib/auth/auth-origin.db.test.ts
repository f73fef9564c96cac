import { createHash } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type DatabaseHandle, provideDatabase } from "@/db";
import { verificationTokens } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { log } from "@/lib/log";
import { handlers } from "./auth";

// vitest.config.ts: FRONTEND_URL=http://localhost:3000; no EMAIL_SERVER, so sign-in links are
// written to the log, which is where this test reads them.
const EVIL = "http://evil.example";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
  provideDatabase(handle);
});
afterAll(async () => {
  await handle.close();
});

describe("sign-in links and Auth.js redirects", () => {
  it("build a mailed sign-in link from FRONTEND_URL, whatever host the request names", async () => {
    const csrf = await handlers.GET(new NextRequest(`${EVIL}/api/auth/csrf`));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers
      .getSetCookie()
      .map((line) => line.split(";")[0])
      .join("; ");
    const logged = vi.spyOn(log, "info");
    await handlers.POST(
      new NextRequest(`${EVIL}/api/auth/signin/nodemailer`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          cookie,
          host: "evil.example",
          "x-forwarded-host": "evil.example",
        },
        body: new URLSearchParams({ csrfToken, email: "someone@example.com" }),
      }),
    );
    const links = logged.mock.calls.flatMap(([fields]) =>
      typeof fields === "object" && fields !== null && "url" in fields ? [String(fields.url)] : [],
    );
    logged.mockRestore();
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/^http:\/\/localhost:3000\/api\/auth\/callback\/nodemailer\?/);
  });

  it("send the browser back to FRONTEND_URL after a sign-in link, whatever host the request names", async () => {
    const token = "a-sign-in-link-token";
    await handle.db.insert(verificationTokens).values({
      identifier: "linked@example.com",
      token: createHash("sha256").update(`${token}${process.env.AUTH_SECRET}`).digest("hex"),
      expires: new Date(Date.now() + 60_000),
    });
    const query = new URLSearchParams({
      token,
      email: "linked@example.com",
      callbackUrl: "/account",
    });
    const response = await handlers.GET(
      new NextRequest(`${EVIL}/api/auth/callback/nodemailer?${query}`),
    );
    expect(response.headers.get("location")).toBe("http://localhost:3000/account");
  });
});
