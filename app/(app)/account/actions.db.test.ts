import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { apiKeys } from "@/db/schema";
import { useAppDatabase } from "@/db/testing";
import { currentUser } from "@/lib/auth/session";
import { signUp } from "@/lib/auth/sign-up";
import { verifyPasswordUser } from "@/lib/auth/users";
import { IDLE } from "@/lib/form-state";
import { passwordSignIn, signInWithLink, whoAmI } from "@/lib/testing/auth";
import { SESSION_COOKIE, testForm } from "@/lib/testing/http";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { createApiKeyAction } from "../w/[slug]/api-keys/actions";
import { setPasswordAction } from "./actions";

// The request a page or server action runs in is Next's; here it is a stand-in: the headers
// `auth()` and `signIn()` read, and the cookies a server action sets. Auth.js, the session
// checks and the database are real.
const nextRequest = vi.hoisted(() => ({
  headers: new Headers(),
  setCookies: new Map<string, string>(),
}));
vi.mock("next/headers", () => ({
  headers: async () => nextRequest.headers,
  cookies: async () => ({
    set(name: string, value: string) {
      nextRequest.setCookies.set(name, value);
    },
  }),
}));
vi.mock("next/cache", () => ({ revalidatePath() {} }));

const PASSWORD = "the-first-password";

const handle = useAppDatabase();

let ipCounter = 0;
const nextIp = () => `198.51.100.${++ipCounter}`;

/** The next page or action runs for a browser holding `cookie`. */
function browserWith(cookie: string | null): void {
  nextRequest.headers = new Headers({ cookie: cookie ?? "", "x-forwarded-for": nextIp() });
  nextRequest.setCookies.clear();
}

/** An account someone else signed up with, their session, and the owner's after their proof. */
async function hijackedThenProven(email: string) {
  const account = await signUp(handle.db, { email, password: PASSWORD }, { ip: nextIp() });
  const attacker = await passwordSignIn({ email, password: PASSWORD, ip: nextIp() });
  const owner = await signInWithLink(handle.db, email);
  return { account, attacker: attacker.cookie, owner: owner.cookie };
}

const redirectToSignIn = (page: string) =>
  expect.objectContaining({
    digest: expect.stringContaining(`/sign-in?callbackUrl=${encodeURIComponent(page)}`),
  });

describe("pages and server actions with a session the owner's proof ended", () => {
  it("see nobody signed in, while the owner's new session is seen", async () => {
    const { account, attacker, owner } = await hijackedThenProven("pages@example.com");

    browserWith(attacker);
    expect(await currentUser()).toBeNull();
    browserWith(owner);
    expect(await currentUser()).toMatchObject({ id: account.id });
  });

  it("are sent to sign in by the account actions, which set no password and make no key", async () => {
    const { account, attacker } = await hijackedThenProven("actions@example.com");

    browserWith(attacker);
    await expect(
      setPasswordAction(IDLE, testForm({ newPassword: "attacker-new-password" })),
    ).rejects.toEqual(redirectToSignIn("/account"));
    browserWith(attacker);
    const workspace = await ensurePersonalWorkspace(handle.db, account.id);
    await expect(
      createApiKeyAction(IDLE, testForm({ slug: workspace.slug, name: "backdoor" })),
    ).rejects.toEqual(redirectToSignIn(`/w/${workspace.slug}/api-keys`));

    expect(
      await verifyPasswordUser(handle.db, "actions@example.com", "attacker-new-password"),
    ).toBeNull();
    // No key of the account's, in any workspace.
    expect(await handle.db.select().from(apiKeys).where(eq(apiKeys.userId, account.id))).toEqual(
      [],
    );
  });
});

describe("changing the password on the account page", () => {
  it("ends every other session and keeps this one, signed in again with the new version", async () => {
    const email = "changer@example.com";
    const account = await signUp(handle.db, { email, password: PASSWORD }, { ip: nextIp() });
    const here = await passwordSignIn({ email, password: PASSWORD, ip: nextIp() });
    const elsewhere = await passwordSignIn({ email, password: PASSWORD, ip: nextIp() });

    browserWith(here.cookie);
    await expect(
      setPasswordAction(
        IDLE,
        testForm({ currentPassword: PASSWORD, newPassword: "the-second-password" }),
      ),
    ).rejects.toEqual(
      // To a fresh page: this request's own render would still read the old cookie.
      expect.objectContaining({ digest: expect.stringContaining(";/account?password=changed;") }),
    );

    const renewed = nextRequest.setCookies.get(SESSION_COOKIE);
    expect(renewed).toBeDefined();
    expect(await whoAmI(`${SESSION_COOKIE}=${renewed}`)).toMatchObject({ id: account.id });
    expect(await whoAmI(here.cookie)).toBe(401);
    expect(await whoAmI(elsewhere.cookie)).toBe(401);
  });

  it("setting a first password ends no session and leaves the cookie as it is", async () => {
    const link = await signInWithLink(handle.db, "first@example.com");

    browserWith(link.cookie);
    expect(await setPasswordAction(IDLE, testForm({ newPassword: "a-first-password" }))).toEqual({
      status: "success",
      message: "Your password is saved.",
    });
    expect(nextRequest.setCookies.size).toBe(0);
    expect(await whoAmI(link.cookie)).not.toBe(401);
  });
});
