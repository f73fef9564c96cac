import { describe, expect, it, vi } from "vitest";
import { useAppDatabase } from "@/db/testing";
import { setPassword } from "@/lib/auth/set-password";
import { signUp } from "@/lib/auth/sign-up";
import { getSignInState } from "@/lib/auth/users";
import { passwordSignIn, signInWithLink, whoAmI } from "@/lib/testing/auth";

/**
 * A proof of the address (here a sign-in link) that commits while a password is being checked.
 * `holdNextPasswordCheck` stops the next password check, after its caller read the account
 * and before the hash is compared, until `release`: the real check then runs, as it would
 * have ~80 ms (scrypt) later.
 */
const gate = vi.hoisted(() => {
  let pending: { reached: () => void; released: Promise<void> } | null = null;
  return {
    take() {
      const held = pending;
      pending = null;
      return held;
    },
    hold() {
      let reached = () => {};
      let release = () => {};
      const reachedPromise = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      pending = { reached, released };
      return { reached: reachedPromise, release };
    },
  };
});

vi.mock("@/lib/auth/password", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/auth/password")>();
  return {
    ...real,
    async verifyPassword(password: string, stored: string): Promise<boolean> {
      const held = gate.take();
      if (held) {
        held.reached();
        await held.released;
      }
      return real.verifyPassword(password, stored);
    },
  };
});

const holdNextPasswordCheck = () => gate.hold();
const PASSWORD = "attacker-password";

const handle = useAppDatabase();

describe("a proof of the address racing a password check", () => {
  it("ends the session of a password sign-in that read the account just before the proof", async () => {
    const email = "race-sign-in@example.com";
    const account = await signUp(handle.db, { email, password: PASSWORD }, { ip: "203.0.113.80" });

    const hold = holdNextPasswordCheck();
    const signingIn = passwordSignIn({ email, password: PASSWORD, ip: "203.0.113.80" });
    await hold.reached;
    const owner = await signInWithLink(handle.db, email);
    hold.release();
    const attacker = await signingIn;

    // The password matched the hash read before the proof, so a cookie was issued; but it
    // carries the version read with that hash, which the proof has ended.
    expect(attacker.cookie).not.toBeNull();
    expect(await whoAmI(attacker.cookie)).toBe(401);
    expect(await whoAmI(owner.cookie)).toMatchObject({ id: account.id });
  });

  it("refuses a password change that read the account just before the proof, and sets nothing", async () => {
    const email = "race-change@example.com";
    const account = await signUp(handle.db, { email, password: PASSWORD }, { ip: "203.0.113.81" });

    const hold = holdNextPasswordCheck();
    const changing = setPassword(
      handle.db,
      { userId: account.id, sessionVersion: 0 },
      { currentPassword: PASSWORD, newPassword: "attacker-new-password" },
    ).then(
      () => "saved",
      (error: unknown) => error,
    );
    await hold.reached;
    await signInWithLink(handle.db, email);
    hold.release();

    expect(await changing).toMatchObject({ code: "conflict" });
    expect(await getSignInState(handle.db, account.id)).toEqual({
      emailVerified: true,
      hasPassword: false,
    });
    const retry = await passwordSignIn({
      email,
      password: "attacker-new-password",
      ip: "203.0.113.81",
    });
    expect(retry.cookie).toBeNull();
  });
});
