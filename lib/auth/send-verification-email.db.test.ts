import { describe, expect, it } from "vitest";
import { useAppDatabase } from "@/db/testing";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { captureLog } from "@/lib/testing/log-capture";
import { verifyEmailWithToken } from "./email-verification";
import { resendVerificationEmail } from "./send-verification-email";
import { createPasswordUser, getSignInState } from "./users";

// vitest.config.ts: no EMAIL_SERVER and NODE_ENV=test, so links are written to the log.
const handle = useAppDatabase();

/** Resends, and the verification links that were written to the log meanwhile. */
async function resend(userId: string): Promise<{ sent: unknown; links: string[] }> {
  const captured = captureLog();
  try {
    const sent = await resendVerificationEmail(handle.db, userId).catch((error: unknown) => error);
    const links = captured
      .lines()
      .filter((line) => String(line.msg).startsWith("email verification link"))
      .map((line) => String(line.url));
    return { sent, links };
  } finally {
    captured.restore();
  }
}

const tokenOf = (link: string) => new URL(link).searchParams.get("token") ?? "";

const account = (email: string) => createPasswordUser(handle.db, { email, password: "password-1" });

describe("resendVerificationEmail", () => {
  it("mails a new link to an unverified address, and only the newest link works", async () => {
    const user = await account("unverified@example.com");
    const first = await resend(user.id);
    const second = await resend(user.id);
    expect(first).toMatchObject({ sent: true, links: [expect.any(String)] });
    expect(second).toMatchObject({ sent: true, links: [expect.any(String)] });
    expect(second.links[0]).toMatch(/^http:\/\/localhost:3000\/verify-email\?token=/);

    const verify = (link: string) =>
      verifyEmailWithToken(handle.db, { userId: user.id, token: tokenOf(link) }, []);
    expect(await verify(first.links[0] ?? "")).toBeNull();
    expect(await verify(second.links[0] ?? "")).toMatchObject({ newlyVerified: true });
    expect(await getSignInState(handle.db, user.id)).toMatchObject({ emailVerified: true });
  });

  it("sends nothing to an address that is verified already", async () => {
    const user = await account("verified@example.com");
    const { links } = await resend(user.id);
    await verifyEmailWithToken(handle.db, { userId: user.id, token: tokenOf(links[0] ?? "") }, []);

    expect(await resend(user.id)).toEqual({ sent: false, links: [] });
  });

  it("sends at most 5 links an hour per user", async () => {
    const user = await account("impatient@example.com");
    for (let i = 0; i < RATE_LIMITS.emailVerificationSend.limit; i++) {
      expect((await resend(user.id)).sent).toBe(true);
    }
    expect(await resend(user.id)).toMatchObject({
      sent: { code: "rate_limited" },
      links: [],
    });
  });
});
