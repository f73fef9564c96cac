import { cancelInPortal, payOnCheckoutPage } from "./billing-steps";
import { expect, openWorkspacePage, signUp, test, uniqueEmail, workspaceUrl } from "./fixtures";

test("a new user starts a Pro trial, cancels in the portal, and resumes", async ({ page }) => {
  // Sign-up, Checkout, the portal and a webhook's round trip: more than the default timeout
  // allows on a loaded machine.
  test.slow();
  await signUp(page, { email: uniqueEmail("billing") });
  await expect(page).toHaveURL(/\/account$/);
  await openWorkspacePage(page, "billing");
  await expect(page.getByTestId("billing-plan")).toHaveText("Free");
  await page.getByRole("button", { name: "Choose Pro" }).click();

  await payOnCheckoutPage(page, "4242 4242 4242 4242");
  await expect(page).toHaveURL(workspaceUrl("billing", "\\?checkout=success"));
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
  const slug = await openWorkspacePage(page, "billing");
  await page.getByRole("button", { name: "Choose Pro" }).click();
  await payOnCheckoutPage(page, "4000 0000 0000 9995");
  await expect(page.getByRole("alert")).toContainText("Your card has insufficient funds.");
  await page.goto(`/w/${slug}/billing`);
  await expect(page.getByTestId("billing-plan")).toHaveText("Free");
});

test("a checkout link on another site asks first, and the confirmation goes on to Checkout", async ({
  page,
}) => {
  await signUp(page, { email: uniqueEmail("foreign-link") });
  await expect(page).toHaveURL(/\/account$/);
  const target = new URL("/account/checkout?plan=enterprise&period=yearly", page.url()).href;
  // A page on another site, linking to the checkout route (the browser marks it cross-site).
  await page.route("https://foreign.example/**", (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><title>Elsewhere</title><a href="${target}">Buy Enterprise</a>`,
    }),
  );
  await page.goto("https://foreign.example/offer");
  await page.getByRole("link", { name: "Buy Enterprise" }).click();

  // The old address leads to the current workspace's checkout, which asks first.
  await expect(page).toHaveURL(
    workspaceUrl("checkout/confirm", "\\?plan=enterprise&period=yearly$"),
  );
  await expect(
    page.getByRole("heading", { name: "Subscribe to Enterprise, billed yearly?" }),
  ).toBeVisible();
  await page.getByRole("button", { name: "Continue to payment" }).click();
  await expect(page.getByRole("heading", { name: /Enterprise/ })).toBeVisible();
  await payOnCheckoutPage(page, "4242 4242 4242 4242");
  await expect(page).toHaveURL(workspaceUrl("billing", "\\?checkout=success"));
  await expect(page.getByTestId("billing-plan")).toHaveText("Enterprise");
});
