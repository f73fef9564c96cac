import { expect, test } from "@playwright/test";

const MONTHLY = { free: "$0", pro: "$29", enterprise: "$299" };
const YEARLY = { free: "$0", pro: "$290", enterprise: "$2,990" };

test.describe("pricing page", () => {
  test("shows the three plans with their monthly prices", async ({ page }) => {
    await page.goto("/pricing");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    for (const [tier, price] of Object.entries(MONTHLY)) {
      const card = page.getByTestId(`plan-${tier}`);
      await expect(card).toBeVisible();
      await expect(card.getByTestId("price-monthly")).toHaveText(price);
      await expect(card.getByTestId("price-yearly")).toBeHidden();
    }
    await expect(page.getByRole("heading", { level: 2, name: "Free" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "Pro" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "Enterprise" })).toBeVisible();
  });

  test("switches every price between monthly and yearly", async ({ page }) => {
    await page.goto("/pricing");
    await page.getByRole("radio", { name: /yearly/i }).check();
    for (const [tier, price] of Object.entries(YEARLY)) {
      const card = page.getByTestId(`plan-${tier}`);
      await expect(card.getByTestId("price-yearly")).toHaveText(price);
      await expect(card.getByTestId("price-monthly")).toBeHidden();
    }
    await expect(page.getByTestId("plan-pro")).toContainText("/year");

    await page.getByRole("radio", { name: /monthly/i }).check();
    for (const [tier, price] of Object.entries(MONTHLY)) {
      const card = page.getByTestId(`plan-${tier}`);
      await expect(card.getByTestId("price-monthly")).toHaveText(price);
      await expect(card.getByTestId("price-yearly")).toBeHidden();
    }
  });

  test("switches the period with the keyboard", async ({ page }) => {
    await page.goto("/pricing");
    const monthly = page.getByRole("radio", { name: /monthly/i });
    await monthly.focus();
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("radio", { name: /yearly/i })).toBeChecked();
    await expect(page.getByTestId("plan-enterprise").getByTestId("price-yearly")).toHaveText(
      "$2,990",
    );
  });

  test("works without JavaScript", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/pricing");
    await page.getByRole("radio", { name: /yearly/i }).check();
    await expect(page.getByTestId("plan-pro").getByTestId("price-yearly")).toHaveText("$290");
    await context.close();
  });

  test("states each plan's members and what a further member costs in the period shown", async ({
    page,
  }) => {
    await page.goto("/pricing");
    await expect(page.getByTestId("plan-free").getByTestId("seats-monthly")).toHaveText(
      "Up to 2 members",
    );
    await expect(page.getByTestId("plan-pro").getByTestId("seats-monthly")).toHaveText(
      "Includes 3 members, then $9 per member / month",
    );
    await page.getByRole("radio", { name: /yearly/i }).check();
    await expect(page.getByTestId("plan-enterprise").getByTestId("seats-yearly")).toHaveText(
      "Includes 25 members, then $60 per member / year",
    );
    await expect(page.getByTestId("plan-enterprise").getByTestId("seats-yearly")).toBeVisible();
  });

  test("compares the plans in a table", async ({ page }) => {
    await page.goto("/pricing");
    const table = page.getByRole("table");
    await expect(table.getByRole("columnheader")).toHaveText([
      "Feature or limit",
      "Free",
      "Pro",
      "Enterprise",
    ]);
    const apiCalls = table.getByRole("row", { name: /API calls per month/ });
    await expect(apiCalls.getByRole("cell")).toHaveText(["100", "10,000", "100,000"]);
    const members = table.getByRole("row", { name: /Members included/ });
    await expect(members.getByRole("cell")).toHaveText(["Up to 2", "3", "25"]);
    const further = table.getByRole("row", { name: /Each further member, monthly/ });
    await expect(further.getByRole("cell")).toHaveText(["Not available", "$9", "$6"]);
    const sso = table.getByRole("row", { name: /Single sign-on/ });
    await expect(sso.getByRole("cell")).toHaveText(["Not included", "Not included", "Included"]);
  });
});

test("the pricing page fits a phone's width without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/pricing");
  await expect(page.getByTestId("plan-pro")).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBe(0);
});

test("the landing page leads to pricing", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("main").getByRole("link", { name: "See pricing" }).click();
  await expect(page).toHaveURL(/\/pricing$/);
  await expect(page.getByTestId("plan-pro")).toBeVisible();
});

test("the health check reports the database up", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: "ok", database: { status: "up" } });
});

test("an unknown page shows the not-found page", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
