import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type DatabaseHandle, provideDatabase } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { log } from "@/lib/log";
import { authCsrf, signInWithLink } from "@/lib/testing/auth";
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
    const { csrfToken, cookie } = await authCsrf(EVIL);
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
    const answer = await signInWithLink(handle.db, "linked@example.com", EVIL);
    expect(answer.location).toBe("http://localhost:3000/account");
  });
});
