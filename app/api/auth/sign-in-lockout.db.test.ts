import { describe, expect, it } from "vitest";
import { useAppDatabase } from "@/db/testing";
import { withSignInLockout } from "@/lib/auth/sign-in-lockout";
import { createPasswordUser, verifyPasswordUser } from "@/lib/auth/users";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { passwordSignIn, signInWithLink } from "@/lib/testing/auth";

const PASSWORD = "the-right-password";
const LOCKED = "/sign-in?error=CredentialsSignin&code=rate_limited";
const WRONG = "/sign-in?error=CredentialsSignin&code=credentials";

const handle = useAppDatabase();

async function account(email: string): Promise<void> {
  await createPasswordUser(handle.db, { email, password: PASSWORD });
}

/** Signs in through Auth.js's password endpoint; "signed in", or where it sent the browser. */
async function attempt(email: string, password: string, ip: string): Promise<string> {
  const answer = await passwordSignIn({ email, password, ip });
  return answer.cookie ? "signed in" : answer.location.replace("http://localhost:3000", "");
}

describe("sign-in lockout", () => {
  it("stops one address guessing an email's password after 5 failures, while the owner signs in from elsewhere", async () => {
    await account("target@example.com");
    const guesser = "203.0.113.10";
    for (let i = 0; i < RATE_LIMITS.signInFailuresByEmailAndIp.limit; i++) {
      expect(await attempt("target@example.com", `guess-${i}`, guesser)).toBe(WRONG);
    }
    // Locked: even the right password from the guesser's address is not checked.
    expect(await attempt("target@example.com", PASSWORD, guesser)).toBe(LOCKED);
    expect(await attempt("target@example.com", PASSWORD, "198.51.100.7")).toBe("signed in");
  });

  it("counts only failures: signing in successfully again and again never locks", async () => {
    await account("regular@example.com");
    for (let i = 0; i < RATE_LIMITS.signInFailuresByEmailAndIp.limit + 3; i++) {
      expect(await attempt("regular@example.com", PASSWORD, "198.51.100.8")).toBe("signed in");
    }
  });

  it("does not count refused attempts, so a locked-out guesser cannot lock the owner out everywhere", async () => {
    await account("patient@example.com");
    const guesser = "203.0.113.11";
    for (let i = 0; i < 5; i++) await attempt("patient@example.com", "wrong", guesser);
    for (let i = 0; i < RATE_LIMITS.signInFailuresByEmail.limit; i++) {
      expect(await attempt("patient@example.com", "wrong", guesser)).toBe(LOCKED);
    }
    expect(await attempt("patient@example.com", PASSWORD, "198.51.100.9")).toBe("signed in");
  });

  it("caps failures per email across many addresses, and a sign-in link still works then", async () => {
    await account("popular@example.com");
    for (let i = 0; i < RATE_LIMITS.signInFailuresByEmail.limit; i++) {
      expect(await attempt("popular@example.com", "wrong", `203.0.113.${100 + i}`)).toBe(WRONG);
    }
    expect(await attempt("popular@example.com", PASSWORD, "198.51.100.10")).toBe(LOCKED);
    // Another email from the same addresses is not affected.
    await account("bystander@example.com");
    expect(await attempt("bystander@example.com", PASSWORD, "203.0.113.100")).toBe("signed in");

    const link = await signInWithLink(handle.db, "popular@example.com");
    expect(link.cookie).not.toBeNull();
  });

  it("lifts the lock when the window ends", async () => {
    await account("later@example.com");
    const subject = { email: "later@example.com", ip: "203.0.113.12" };
    const start = new Date("2026-12-01T10:00:00Z");
    const check = (password: string, now: Date) =>
      withSignInLockout(
        handle.db,
        subject,
        () => verifyPasswordUser(handle.db, subject.email, password),
        now,
      );
    for (let i = 0; i < 5; i++) await check("wrong", start);
    const locked = await check(PASSWORD, start);
    expect(locked).toEqual({ status: "locked", retryAfterSeconds: 15 * 60 });
    const later = new Date(start.getTime() + 15 * 60 * 1000);
    expect(await check(PASSWORD, later)).toMatchObject({
      status: "done",
      result: { email: subject.email },
    });
  });
});
