import { expect, openWorkspacePage, signInAsAdmin, signUp, test, uniqueEmail } from "./fixtures";

/**
 * A page link whose cursor is well-formed but names February 30th: before the one cursor module
 * checked calendar times and ids, Postgres failed such a query and the page was a 500.
 */
function cursorOn30February(id: string): string {
  return Buffer.from(`2026-02-30T00:00:00.000000Z|${id}`).toString("base64url");
}

const UUID = "0b5e3c1e-7d1a-4c53-9a57-2f0d6f1f8a11";

test("a user's invoice page with a bad page link says so instead of failing", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("cursor") });
  await expect(page).toHaveURL(/\/account/);
  const slug = await openWorkspacePage(page, "invoices");
  for (const cursor of [cursorOn30February(UUID), cursorOn30February("-".repeat(36))]) {
    const response = await page.goto(`/w/${slug}/invoices?cursor=${cursor}`);
    expect(response?.status()).toBe(200);
    await expect(page.getByText("This page of invoices does not exist")).toBeVisible();
  }
});

test("the admin lists with a bad page link say so instead of failing", async ({ page }) => {
  await signInAsAdmin(page);
  const lists = [
    {
      path: `/admin/invoices?cursor=${cursorOn30February(UUID)}`,
      message: "The page link is not valid; start again from the first page.",
    },
    {
      path: `/admin/customers?cursor=${cursorOn30February("x")}`,
      message: "This page of customers does not exist",
    },
    {
      path: `/admin/webhooks?cursor=${cursorOn30February("evt_1")}`,
      message: "That page link is not valid; showing the newest events.",
    },
  ];
  for (const { path, message } of lists) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await expect(page.getByText(message)).toBeVisible();
  }
});
