import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { useAppDatabase } from "@/db/testing";
import { setPassword } from "@/lib/auth/set-password";
import { createPasswordUser, getSignInState, verifyPasswordUser } from "@/lib/auth/users";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { passwordSignIn, signInWithLink, whoAmI } from "@/lib/testing/auth";

const PASSWORD = "the-first-password";

const handle = useAppDatabase();

let ipCounter = 0;
const nextIp = () => `198.51.100.${++ipCounter}`;

async function refusal(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.then(
    () => "saved",
    (error: unknown) => error,
  );
}

describe("setPassword", () => {
  it("sets a first password without asking for one, and ends no session", async () => {
    const link = await signInWithLink(handle.db, "first@example.com");
    const [user] = await handle.db.select().from(users).where(eq(users.email, "first@example.com"));
    if (!user) throw new Error("the sign-in link creates the account");

    expect(
      await setPassword(
        handle.db,
        { userId: user.id, sessionVersion: 0 },
        { newPassword: PASSWORD },
      ),
    ).toEqual({ sessionVersion: 0 });
    expect(await whoAmI(link.cookie)).toMatchObject({ id: user.id });
    expect(await verifyPasswordUser(handle.db, "first@example.com", PASSWORD)).toMatchObject({
      id: user.id,
    });
  });

  it("asks for the current password before changing it: missing or wrong, nothing changes", async () => {
    const user = await createPasswordUser(handle.db, {
      email: "careful@example.com",
      password: PASSWORD,
    });
    const session = { userId: user.id, sessionVersion: 0 };

    expect(
      await refusal(setPassword(handle.db, session, { newPassword: "a-new-password" })),
    ).toMatchObject({ code: "validation_failed", message: "Enter your current password." });
    expect(
      await refusal(
        setPassword(handle.db, session, {
          currentPassword: "not-it",
          newPassword: "a-new-password",
        }),
      ),
    ).toMatchObject({ code: "validation_failed", message: "The current password is wrong." });
    expect(await verifyPasswordUser(handle.db, "careful@example.com", PASSWORD)).not.toBeNull();
    expect(await verifyPasswordUser(handle.db, "careful@example.com", "a-new-password")).toBeNull();
  });

  it("changing the password ends every other session and gives the caller the new version", async () => {
    const email = "changer@example.com";
    const user = await createPasswordUser(handle.db, { email, password: PASSWORD });
    const here = await passwordSignIn({ email, password: PASSWORD, ip: nextIp() });
    const elsewhere = await passwordSignIn({ email, password: PASSWORD, ip: nextIp() });

    expect(
      await setPassword(
        handle.db,
        { userId: user.id, sessionVersion: 0 },
        { currentPassword: PASSWORD, newPassword: "the-second-password" },
      ),
    ).toEqual({ sessionVersion: 1 });

    expect(await whoAmI(here.cookie)).toBe(401);
    expect(await whoAmI(elsewhere.cookie)).toBe(401);
    const again = await passwordSignIn({ email, password: "the-second-password", ip: nextIp() });
    expect(await whoAmI(again.cookie)).toMatchObject({ id: user.id });
  });

  it("refuses a session whose version is no longer the user's, and sets nothing", async () => {
    const link = await signInWithLink(handle.db, "ended@example.com");
    const [user] = await handle.db.select().from(users).where(eq(users.email, "ended@example.com"));
    if (!user) throw new Error("the sign-in link creates the account");
    await handle.db.update(users).set({ sessionVersion: 1 }).where(eq(users.id, user.id));

    expect(
      await refusal(
        setPassword(handle.db, { userId: user.id, sessionVersion: 0 }, { newPassword: PASSWORD }),
      ),
    ).toMatchObject({ code: "unauthorized" });
    expect(await getSignInState(handle.db, user.id)).toMatchObject({ hasPassword: false });
    expect(await whoAmI(link.cookie)).toBe(401);
  });

  it("allows 10 tries in 15 minutes per user, wrong ones included, then refuses even the right one", async () => {
    const user = await createPasswordUser(handle.db, {
      email: "guessed@example.com",
      password: PASSWORD,
    });
    const session = { userId: user.id, sessionVersion: 0 };
    for (let i = 0; i < RATE_LIMITS.passwordChange.limit; i++) {
      expect(
        await refusal(
          setPassword(handle.db, session, {
            currentPassword: `guess-${i}`,
            newPassword: "a-new-password",
          }),
        ),
      ).toMatchObject({ code: "validation_failed" });
    }
    expect(
      await refusal(
        setPassword(handle.db, session, {
          currentPassword: PASSWORD,
          newPassword: "a-new-password",
        }),
      ),
    ).toMatchObject({ code: "rate_limited" });
    expect(await verifyPasswordUser(handle.db, "guessed@example.com", PASSWORD)).not.toBeNull();
  });
});
