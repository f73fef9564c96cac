/**
 * The Stripe emulator's hosted pages, driven in a browser: Checkout, the customer portal and
 * the hosted invoice. The emulator runs in this process; stripe-node sets up each case and
 * checks what the pages did. A tiny local server stands in for the app the pages send the
 * customer back to. (The Next app Playwright starts for the other specs is not used here.)
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, type Page, test } from "@playwright/test";
import Stripe from "stripe";
import { type RunningEmulator, startEmulator } from "../stripe-emulator";

let emu: RunningEmulator;
let stripe: Stripe;
let app: Server;
let appUrl = "";
let pro: Stripe.Price;
let enterprise: Stripe.Price;

const DAY = 86_400;

/** As the pages write dates. */
const longDate = (unix: number) =>
  new Intl.DateTimeFormat("en-US", {
    month: "long",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(unix * 1000));

const uniqueEmail = (label: string) =>
  `${label}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}@example.com`;

test.beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  const { hostname, port } = new URL(emu.url);
  stripe = new Stripe(emu.secretKey, {
    host: hostname,
    port,
    protocol: "http",
    apiVersion: "2026-10-28.endive",
    maxNetworkRetries: 0,
  });
  app = createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><title>App</title><h1>Back in the app</h1>`);
    request.resume();
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;

  const proProduct = await stripe.products.create({ name: "Pro" });
  const enterpriseProduct = await stripe.products.create({ name: "Enterprise" });
  pro = await stripe.prices.create({
    product: proProduct.id,
    currency: "usd",
    unit_amount: 2900,
    recurring: { interval: "month" },
  });
  enterprise = await stripe.prices.create({
    product: enterpriseProduct.id,
    currency: "usd",
    unit_amount: 29900,
    recurring: { interval: "month" },
  });
  await stripe.billingPortal.configurations.create({
    features: {
      subscription_update: {
        enabled: true,
        default_allowed_updates: ["price"],
        proration_behavior: "create_prorations",
        products: [
          { product: proProduct.id, prices: [pro.id] },
          { product: enterpriseProduct.id, prices: [enterprise.id] },
        ],
      },
      subscription_cancel: { enabled: true, mode: "at_period_end" },
      payment_method_update: { enabled: true },
      invoice_history: { enabled: true },
    },
  });
});

test.afterAll(async () => {
  await emu?.close();
  await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
});

/** A customer paying Pro monthly with `card` (a pm_card_* test token). */
async function subscribedCustomer(card = "pm_card_visa") {
  const customer = await stripe.customers.create({ email: uniqueEmail("portal"), name: "Ada" });
  const paymentMethod = await stripe.paymentMethods.attach(card, { customer: customer.id });
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: paymentMethod.id },
  });
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: pro.id }],
  });
  return { customer, subscription };
}

async function fillCard(page: Page, number: string) {
  await page.getByLabel("Name on card").fill("Ada Lovelace");
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiry (MM / YY)").fill(`12 / ${(new Date().getUTCFullYear() + 3) % 100}`);
  await page.getByLabel("CVC").fill("123");
}

test("paying a trial with 4242 redirects to success_url and starts a trialing subscription", async ({
  page,
}) => {
  const customer = await stripe.customers.create({ email: uniqueEmail("trial") });
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [{ price: pro.id, quantity: 1 }],
    success_url: `${appUrl}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${appUrl}/pricing`,
    subscription_data: { trial_period_days: 14 },
  });

  await page.goto(session.url ?? "");
  await expect(page.getByText("Test mode · Stripe emulator")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Try Pro" })).toBeVisible();
  await expect(page.getByText("14 days free, then $29.00 per month")).toBeVisible();
  await expect(page.getByRole("link", { name: /Back to/ })).toHaveAttribute(
    "href",
    `${appUrl}/pricing`,
  );
  // The session names its customer: no email to ask for.
  await expect(page.getByLabel("Email", { exact: true })).toHaveCount(0);

  await fillCard(page, "4242 4242 4242 4242");
  await page.getByRole("button", { name: "Start trial" }).click();
  await page.waitForURL(`${appUrl}/billing/success?session_id=${session.id}`);
  await expect(page.getByRole("heading", { name: "Back in the app" })).toBeVisible();

  const done = await stripe.checkout.sessions.retrieve(session.id);
  expect(done.status).toBe("complete");
  expect(done.payment_status).toBe("no_payment_required");
  const subscription = await stripe.subscriptions.retrieve(String(done.subscription));
  expect(subscription.customer).toBe(customer.id);
  expect(subscription.status).toBe("trialing");
  expect((subscription.trial_end ?? 0) - (subscription.trial_start ?? 0)).toBe(14 * DAY);

  // The page of a completed session says so instead of offering the form again.
  await page.goto(session.url ?? "");
  await expect(page.getByRole("heading", { name: "This checkout is complete" })).toBeVisible();
  await expect(page.getByLabel("Card number")).toHaveCount(0);
});

test("paying without a trial with 4242 starts an active subscription for a new customer", async ({
  page,
}) => {
  const email = uniqueEmail("paid");
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer_email: email,
    line_items: [{ price: pro.id, quantity: 1 }],
    success_url: `${appUrl}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${appUrl}/pricing`,
  });

  await page.goto(session.url ?? "");
  await expect(page.getByRole("heading", { name: "Subscribe to Pro" })).toBeVisible();
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue(email);
  await fillCard(page, "4242424242424242");
  await page.getByRole("button", { name: "Subscribe" }).click();
  await page.waitForURL(`${appUrl}/billing/success?session_id=${session.id}`);

  const done = await stripe.checkout.sessions.retrieve(session.id);
  expect(done.status).toBe("complete");
  expect(done.payment_status).toBe("paid");
  const subscription = await stripe.subscriptions.retrieve(String(done.subscription), {
    expand: ["latest_invoice"],
  });
  expect(subscription.status).toBe("active");
  expect(subscription.trial_end).toBeNull();
  expect((subscription.latest_invoice as Stripe.Invoice).status).toBe("paid");
  const customer = await stripe.customers.retrieve(String(done.customer));
  expect(customer.deleted).toBeFalsy();
  expect((customer as Stripe.Customer).email).toBe(email);
});

test("a 9995 card is declined on the page, and nothing is created", async ({ page }) => {
  const customer = await stripe.customers.create({ email: uniqueEmail("declined") });
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [{ price: pro.id, quantity: 1 }],
    success_url: `${appUrl}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${appUrl}/pricing`,
  });

  await page.goto(session.url ?? "");
  await fillCard(page, "4000 0000 0000 9995");
  const [answer] = await Promise.all([
    page.waitForResponse((response) => response.request().method() === "POST"),
    page.getByRole("button", { name: "Subscribe" }).click(),
  ]);
  expect(answer.status()).toBe(402);
  await expect(page.getByRole("alert")).toHaveText("Your card has insufficient funds.");
  expect(page.url()).toBe(session.url);
  // What was typed stays, except the card number.
  await expect(page.getByLabel("Name on card")).toHaveValue("Ada Lovelace");
  await expect(page.getByLabel("Card number")).toHaveValue("");

  const after = await stripe.checkout.sessions.retrieve(session.id);
  expect(after.status).toBe("open");
  expect(after.subscription).toBeNull();
  const subscriptions = await stripe.subscriptions.list({ customer: customer.id, status: "all" });
  expect(subscriptions.data).toHaveLength(0);
});

test("the portal switches the plan, cancels at period end, resumes and links back", async ({
  page,
}) => {
  const { customer, subscription } = await subscribedCustomer();
  const returnUrl = `${appUrl}/account/billing`;
  const session = await stripe.billingPortal.sessions.create({
    customer: customer.id,
    return_url: returnUrl,
  });

  await page.goto(session.url);
  await expect(page.getByRole("heading", { name: "Pro", exact: true })).toBeVisible();
  await expect(page.getByText("$29.00 per month", { exact: true })).toBeVisible();

  await page.getByRole("button", { name: /Switch to Enterprise/ }).click();
  await expect(page.getByRole("status")).toHaveText("Your plan has been updated.");
  await expect(page.getByRole("heading", { name: "Enterprise", exact: true })).toBeVisible();
  await expect(page.getByText("$299.00 per month", { exact: true })).toBeVisible();
  const switched = await stripe.subscriptions.retrieve(subscription.id);
  expect(switched.items.data[0]?.price.id).toBe(enterprise.id);

  await page.getByRole("button", { name: "Cancel plan" }).click();
  await expect(page.getByRole("heading", { name: "Cancel your plan?" })).toBeVisible();
  await page.getByRole("button", { name: "Confirm cancellation" }).click();
  const periodEnd = switched.items.data[0]?.current_period_end ?? 0;
  await expect(page.getByText(`Cancels on ${longDate(periodEnd)}`)).toBeVisible();
  const canceling = await stripe.subscriptions.retrieve(subscription.id);
  expect(canceling.cancel_at_period_end).toBe(true);
  expect(canceling.status).toBe("active");

  await page.getByRole("button", { name: "Resume plan" }).click();
  await expect(page.getByText(`Renews on ${longDate(periodEnd)}`)).toBeVisible();
  const resumed = await stripe.subscriptions.retrieve(subscription.id);
  expect(resumed.cancel_at_period_end).toBe(false);
  expect(resumed.cancel_at).toBeNull();

  const back = page.getByRole("link", { name: /Return to/ });
  await expect(back).toHaveAttribute("href", returnUrl);
  await back.click();
  await page.waitForURL(returnUrl);
});

test("the hosted invoice shows its number and serves its PDF", async ({ page }) => {
  const { subscription } = await subscribedCustomer();
  const invoice = await stripe.invoices.retrieve(String(subscription.latest_invoice));
  expect(invoice.number).toBeTruthy();

  await page.goto(invoice.hosted_invoice_url ?? "");
  await expect(page.getByRole("heading", { name: `Invoice ${invoice.number}` })).toBeVisible();
  await expect(page.getByText("Paid", { exact: true })).toBeVisible();
  const link = page.getByRole("link", { name: "Download PDF" });
  const href = await link.getAttribute("href");
  const pdf = await page.request.get(new URL(href ?? "", page.url()).href);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect(pdf.headers()["content-disposition"]).toBe(
    `inline; filename="Invoice-${invoice.number}.pdf"`,
  );
  expect((await pdf.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");
});

test("an open invoice is paid on its hosted page", async ({ page }) => {
  // A card whose charges fail leaves the first invoice open.
  const { subscription } = await subscribedCustomer("pm_card_chargeCustomerFail");
  const invoice = await stripe.invoices.retrieve(String(subscription.latest_invoice));
  expect(invoice.status).toBe("open");

  await page.goto(invoice.hosted_invoice_url ?? "");
  await fillCard(page, "4000 0000 0000 9995");
  await page.getByRole("button", { name: "Pay $29.00" }).click();
  await expect(page.getByRole("alert")).toHaveText("Your card has insufficient funds.");

  await fillCard(page, "4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay $29.00" }).click();
  await expect(page.getByRole("status")).toHaveText("Payment received.");
  await expect(page.getByRole("button", { name: "Pay $29.00" })).toHaveCount(0);
  const paid = await stripe.invoices.retrieve(invoice.id);
  expect(paid.status).toBe("paid");
});
