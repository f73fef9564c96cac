import { randomInt } from "node:crypto";
import { test as base, expect, type Page } from "@playwright/test";
import { E2E_ADMIN_EMAIL, E2E_PASSWORD } from "./constants";

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
export async function signInAsAdmin(page: Page): Promise<void> {
  await signUp(page, { email: E2E_ADMIN_EMAIL, callbackUrl: "/admin" });
  const heading = page.getByRole("heading", { name: "Admin dashboard", level: 1 });
  const taken = page.getByText("An account with this email already exists");
  await expect(heading.or(taken)).toBeVisible();
  if (await taken.isVisible())
    await signIn(page, { email: E2E_ADMIN_EMAIL, callbackUrl: "/admin" });
  await expect(heading).toBeVisible();
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
