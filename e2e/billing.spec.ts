import { cancelInPortal, payOnCheckoutPage } from "./billing-steps";
import { expect, signUp, test, uniqueEmail } from "./fixtures";

test("a new user starts a Pro trial, cancels in the portal, and resumes", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("billing") });
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/account/billing");
  await expect(page.getByTestId("billing-plan")).toHaveText("Free");
  await page.getByRole("button", { name: "Choose Pro" }).click();

  await payOnCheckoutPage(page, "4242 4242 4242 4242");
  await expect(page).toHaveURL(/\/account\/billing\?checkout=success/);
  await expect(page.getByTestId("billing-plan")).toHaveText("Pro");
  await expect(page.getByTestId("billing-status")).toHaveText("Trial");
  await expect(page.getByText(/Your trial ends on .* \(14 days left\)/)).toBeVisible();

  // The portal's change reaches the app by webhook; the page shows it once it has arrived.
  await cancelInPortal(page);
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page).toHaveURL(/resumed=1/);
  await expect(page.getByText(/Your plan ends on/)).toHaveCount(0);
  await expect(page.getByTestId("billing-plan")).toHaveText("Pro");
});

test("a declined card stays on the checkout page and the account stays Free", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("declined") });
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/account/billing");
  await page.getByRole("button", { name: "Choose Pro" }).click();
  await payOnCheckoutPage(page, "4000 0000 0000 9995");
  await expect(page.getByRole("alert")).toContainText("Your card has insufficient funds.");
  await page.goto("/account/billing");
  await expect(page.getByTestId("billing-plan")).toHaveText("Free");
});
