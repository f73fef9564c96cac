import { expect, type Page } from "@playwright/test";
import { E2E_STRIPE_URL } from "./constants";
import { workspaceUrl } from "./fixtures";

/** Fills and submits the emulator's hosted checkout page with `card`. */
export async function payOnCheckoutPage(page: Page, card: string): Promise<void> {
  await expect(page).toHaveURL(new RegExp(`^${E2E_STRIPE_URL}/c/pay/`));
  await page.getByLabel("Name on card").fill("Test Person");
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiry (MM / YY)").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: /Start trial|Subscribe/ }).click();
}

/**
 * A new visitor's way to a Pro trial: the pricing page's monthly Pro link, sign-up as `email`,
 * then straight on into the emulator's checkout, paid with a working card, and back to billing.
 */
export async function startProTrialFromPricing(page: Page, email: string): Promise<void> {
  await page.goto("/pricing");
  await page
    .getByTestId("plan-pro")
    .getByRole("link", { name: /Start 14-day free trial \(Pro, billed monthly\)/ })
    .click();
  await expect(page).toHaveURL(/\/sign-up\?callbackUrl=/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await payOnCheckoutPage(page, "4242 4242 4242 4242");
  await expect(page).toHaveURL(workspaceUrl("billing", "\\?checkout=success"));
}

/**
 * From a workspace's billing page: cancels the plan in the emulator's portal, comes back, and waits for
 * the cancellation to arrive by webhook (the banner that offers Resume).
 */
export async function cancelInPortal(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Manage billing" }).click();
  await expect(page).toHaveURL(new RegExp(`^${E2E_STRIPE_URL}/p/session/`));
  await page.getByRole("button", { name: "Cancel plan" }).click();
  await page
    .getByRole("button", { name: /Confirm|Cancel plan/ })
    .last()
    .click();
  await page.getByRole("link", { name: /Return to/ }).click();
  await expect(page).toHaveURL(workspaceUrl("billing"));
  await expect(async () => {
    await page.reload();
    await expect(page.getByText(/Your plan ends on/)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
}
