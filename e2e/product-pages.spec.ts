import type { Page } from "@playwright/test";
import Stripe from "stripe";
import { cancelInPortal, payOnCheckoutPage, startProTrialFromPricing } from "./billing-steps";
import { E2E_STRIPE_KEY, E2E_STRIPE_URL } from "./constants";
import { expect, openWorkspacePage, signInAsAdmin, signUp, test, uniqueEmail } from "./fixtures";

// The admin test measures how MRR moves; the other tests here change it too, so this file's
// tests run one after another. (Tests in other files create trials only, which MRR leaves out.)
test.describe.configure({ mode: "serial" });

/** The MRR the admin dashboard shows, in dollars. */
async function dashboardMrr(page: Page): Promise<number> {
  await page.goto("/admin");
  const value = await page.getByTestId("stat-mrr").locator("dd").first().textContent();
  return Number((value ?? "").replace(/[$,]/g, ""));
}

/** Ends a user's trial in Stripe, as the trial's end would: the first invoice is paid now. */
async function endTrial(email: string): Promise<void> {
  const stripe = stripeClient();
  const [customer] = (await stripe.customers.list({ email })).data;
  const [subscription] = (await stripe.subscriptions.list({ customer: customer?.id })).data;
  await stripe.subscriptions.update(String(subscription?.id), { trial_end: "now" });
}

function stripeClient(): Stripe {
  const url = new URL(E2E_STRIPE_URL);
  return new Stripe(E2E_STRIPE_KEY, {
    host: url.hostname,
    port: Number(url.port),
    protocol: "http",
    maxNetworkRetries: 0,
  });
}

test("a visitor goes from pricing through sign-up and checkout to a Pro trial, cancels in the portal and resumes", async ({
  page,
}) => {
  await startProTrialFromPricing(page, uniqueEmail("pricing-flow"));
  await expect(page.getByTestId("billing-plan")).toHaveText("Pro");
  await expect(page.getByTestId("billing-status")).toHaveText("Trial");
  await expect(page.getByTestId("billing-price")).toContainText("$29/month, billed monthly");
  await expect(page.getByTestId("billing-price")).toContainText(/Trial ends on \w+ \d+, \d{4}/);
  await expect(page.getByText(/Your trial ends on .* \(14 days left\)/)).toBeVisible();
  await expect(page.getByTestId("usage-api_calls")).toContainText("0 of 10,000 this month");

  // The pricing page now marks Pro, monthly, as the user's plan.
  await page.goto("/pricing");
  await expect(page.getByTestId("plan-pro").getByText("Your plan")).toBeVisible();
  await openWorkspacePage(page, "billing");

  // The portal's change reaches the app by webhook; the page shows it once it has arrived.
  await cancelInPortal(page);
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page).toHaveURL(/resumed=1/);
  await expect(page.getByText("Your subscription continues; nothing else changes.")).toBeVisible();
  await expect(page.getByText(/Your plan ends on/)).toHaveCount(0);
});

test("an upgrade shows the prorated amount before it is confirmed, and a cancel asks first", async ({
  page,
}) => {
  const email = uniqueEmail("upgrade");
  await signUp(page, { email, callbackUrl: "/account/checkout?plan=pro&period=monthly" });
  await payOnCheckoutPage(page, "4242 4242 4242 4242");
  await expect(page.getByTestId("billing-plan")).toHaveText("Pro");

  // End the trial in Stripe so the change is a paid upgrade with a proration.
  await endTrial(email);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("billing-status")).toHaveText("Active", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });

  await page.getByRole("link", { name: /Enterprise, monthly/ }).click();
  const confirmation = page.getByTestId("change-confirmation");
  await expect(confirmation.getByRole("heading")).toHaveText(
    "Switch to Enterprise, billed monthly?",
  );
  // Nearly the whole month is left: the charge is close to $299 − $29 = $270.
  const amountText = (await confirmation.getByTestId("change-amount").textContent()) ?? "";
  const amount = Number(/\$([\d,.]+)/.exec(amountText)?.[1]?.replace(",", ""));
  expect(amount).toBeGreaterThan(260);
  expect(amount).toBeLessThanOrEqual(270);
  await confirmation.getByRole("button", { name: "Pay and switch to Enterprise" }).click();
  await expect(page).toHaveURL(/changed=upgrade/);
  await expect(page.getByTestId("billing-plan")).toHaveText("Enterprise");
  await expect(page.getByText("Your plan has changed to Enterprise.")).toBeVisible();

  await page.getByRole("link", { name: "Cancel plan" }).click();
  await expect(page.getByRole("heading", { name: "Cancel your plan?" })).toBeVisible();
  await page.getByRole("button", { name: "Yes, cancel my plan" }).click();
  await expect(page).toHaveURL(/canceled=1/);
  await expect(page.getByText(/Your plan ends on/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Resume" })).toBeVisible();
});

test("a card declined on the checkout page leaves the account on Free", async ({ page }) => {
  await signUp(page, {
    email: uniqueEmail("declined-pricing"),
    callbackUrl: "/account/checkout?plan=pro&period=yearly",
  });
  await payOnCheckoutPage(page, "4000 0000 0000 9995");
  await expect(page.getByRole("alert")).toContainText("Your card has insufficient funds.");
  await openWorkspacePage(page, "billing");
  await expect(page.getByTestId("billing-plan")).toHaveText("Free");
  await expect(page.getByTestId("billing-status")).toHaveText("No subscription");
});

test("the admin sees a new subscriber's invoice, on the customer's page too, and MRR up by the plan's price", async ({
  page,
  browser,
}) => {
  // Two people sign up (one proving the admin address), check out and move the clock: more
  // steps than the default timeout allows on a loaded machine.
  test.slow();
  await signInAsAdmin(page);
  const before = await dashboardMrr(page);

  const email = uniqueEmail("admin-sees");
  const customerContext = await browser.newContext();
  const customerPage = await customerContext.newPage();
  await signUp(customerPage, { email, callbackUrl: "/account/checkout?plan=pro&period=monthly" });
  await payOnCheckoutPage(customerPage, "4242 4242 4242 4242");
  await expect(customerPage.getByTestId("billing-plan")).toHaveText("Pro");
  await endTrial(email);
  await customerContext.close();

  // The trial's end reaches the app by webhook; MRR counts Pro monthly once it has.
  await expect(async () => {
    expect(await dashboardMrr(page)).toBeCloseTo(before + 29, 2);
  }).toPass({ timeout: 20_000 });

  await page.goto("/admin/invoices");
  await page.getByLabel(/Search/).fill(email);
  await page.getByRole("button", { name: /Apply|Filter|Search/ }).click();
  const invoiceRows = page.getByRole("row").filter({ hasText: email });
  await expect(invoiceRows.filter({ hasText: "$29.00" }).first()).toBeVisible();
  await expect(invoiceRows.filter({ hasText: /paid/i }).first()).toBeVisible();

  await page.goto(`/admin/customers?q=${encodeURIComponent(email)}`);
  await page.getByRole("link", { name: email }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(email);
  await expect(page.getByRole("row").filter({ hasText: "$29.00" }).first()).toBeVisible();
});
