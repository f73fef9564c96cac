import { randomInt } from "node:crypto";
import { test as base, expect, type Page } from "@playwright/test";
import { E2E_ADMIN_EMAIL, E2E_PASSWORD } from "./constants";
import { latestLinkTo } from "./mailbox";

/**
 * Every test acts from an address of its own (as a proxy in front of Tollgate would report
 * it), so the per-address sign-up and sign-in limits see separate visitors, not one machine.
 */
export const test = base.extend({
  extraHTTPHeaders: async ({ extraHTTPHeaders }, use) => {
    const address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    await use({ ...extraHTTPHeaders, "x-forwarded-for": address });
  },
});

export { expect };

export function uniqueEmail(label = "user"): string {
  return `${label}-${Date.now().toString(36)}-${randomInt(1_000_000)}@example.com`;
}

/** Signs up through the sign-up page and waits for the account page. */
export async function signUp(
  page: Page,
  options: { email: string; password?: string; name?: string; callbackUrl?: string },
): Promise<void> {
  const query = options.callbackUrl
    ? `?callbackUrl=${encodeURIComponent(options.callbackUrl)}`
    : "";
  await page.goto(`/sign-up${query}`);
  if (options.name) await page.getByLabel("Name (optional)").fill(options.name);
  await page.getByLabel("Email").fill(options.email);
  await page.getByLabel("Password").fill(options.password ?? E2E_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
}

/** Signs in through the password form of the sign-in page. */
export async function signIn(
  page: Page,
  options: { email: string; password?: string; callbackUrl?: string },
): Promise<void> {
  const query = options.callbackUrl
    ? `?callbackUrl=${encodeURIComponent(options.callbackUrl)}`
    : "";
  await page.goto(`/sign-in${query}`);
  await fillSignIn(page, options);
}

/** Signs in as the admin named in ADMIN_EMAILS, creating the account the first time. */
/** Signs in as the admin named in ADMIN_EMAILS (its address proven) and opens the dashboard. */
export async function signInAsAdmin(page: Page): Promise<void> {
  await signInAsListedAdmin(page);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Admin dashboard", level: 1 })).toBeVisible();
}

export async function fillSignIn(
  page: Page,
  options: { email: string; password?: string },
): Promise<void> {
  await page.getByLabel("Email", { exact: true }).fill(options.email);
  await page.getByLabel("Password").fill(options.password ?? E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/**
 * Forgets the session. Leaves the page first: a prefetch still in flight through the proxy
 * could otherwise answer with a refreshed session cookie after the cookies were cleared.
 */
export async function forgetSession(page: Page): Promise<void> {
  await page.goto("about:blank");
  await page.context().clearCookies();
}

/** Follows the newest email-verification link mailed to `email`, in the signed-in page. */
export async function followVerificationLink(page: Page, email: string): Promise<void> {
  await page.goto(await latestLinkTo(email, "/verify-email?token="));
  await expect(page).toHaveURL(/\/account\?email=(verified|link-invalid)$/);
  // Another test may have used the same link first; either way the address is verified now.
  await expect(page.getByRole("heading", { name: "Verify your email" })).toHaveCount(0);
}

/**
 * Signs in as an admin listed in ADMIN_EMAILS: the first time, signs up and proves the
 * address with the mailed verification link (only a verified address becomes admin).
 */
export async function signInAsListedAdmin(
  page: Page,
  email: string = E2E_ADMIN_EMAIL,
): Promise<void> {
  await signUp(page, { email });
  const taken = page.getByText("An account with this email already exists");
  await expect(page.getByTestId("account-email").or(taken)).toBeVisible();
  if (await taken.isVisible()) await signIn(page, { email });
  await expect(page.getByTestId("account-email")).toHaveText(email);
  if (await page.getByRole("heading", { name: "Verify your email" }).isVisible()) {
    await followVerificationLink(page, email);
  }
}

/**
 * Opens a section of the signed-in person's current workspace (at first their personal one)
 * through its address from before workspaces, /account/<section>, which redirects there; returns
 * the workspace's slug.
 */
export async function openWorkspacePage(page: Page, section: string): Promise<string> {
  await page.goto(`/account/${section}`);
  await expect(page).toHaveURL(new RegExp(`/w/[a-z0-9-]+/${section}$`));
  return new URL(page.url()).pathname.split("/")[2] ?? "";
}

/** A workspace page's address: /w/<any slug>/<section>, then `rest` (a regular expression). */
export function workspaceUrl(section: string, rest = ""): RegExp {
  return new RegExp(`/w/[a-z0-9-]+/${section}${rest}`);
}
