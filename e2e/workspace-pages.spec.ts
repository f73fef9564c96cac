import { expect, signUp, test, uniqueEmail } from "./fixtures";

test("a person creates a workspace, switches between theirs, and old addresses follow the current one", async ({
  page,
}) => {
  await signUp(page, { email: uniqueEmail("switcher") });
  await expect(page).toHaveURL(/\/account$/);
  const workspaces = page.getByRole("table", { name: "Your workspaces" });
  await expect(workspaces.getByRole("row")).toHaveCount(2); // the header row and Personal
  await expect(workspaces).toContainText("Personal");

  // A missing name is answered beside its field.
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByText("Give the workspace a name")).toBeVisible();

  const name = `Acme ${Date.now().toString(36)}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page).toHaveURL(/\/w\/acme-[a-z0-9]+\/billing$/);
  const acme = new URL(page.url()).pathname.split("/")[2] ?? "";
  await expect(page.getByTestId("workspace-name")).toHaveText(name);
  await expect(page.getByTestId("billing-plan")).toHaveText("Free");

  // The header's switcher marks the workspace in use, and opens with the keyboard.
  const switcher = page.getByTestId("workspace-switcher");
  await expect(switcher).toContainText(name);
  await switcher.focus();
  await page.keyboard.press("Enter");
  const menu = page.getByRole("list", { name: "Your workspaces" });
  await expect(menu.getByRole("link", { name: new RegExp(name) })).toHaveAttribute(
    "aria-current",
    "true",
  );
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();

  // The old addresses lead to the workspace last visited, the query string kept.
  await page.goto("/account/billing?notice=already_on_plan");
  await expect(page).toHaveURL(`/w/${acme}/billing?notice=already_on_plan`);
  await expect(page.getByText("You are already on that plan.")).toBeVisible();

  // Switching to the personal workspace makes it the current one.
  await switcher.click();
  await menu.getByRole("link", { name: /Personal/ }).click();
  await expect(page).toHaveURL(/\/w\/personal-[a-z0-9]+\/billing$/);
  const personal = new URL(page.url()).pathname.split("/")[2] ?? "";
  await expect(page.getByTestId("workspace-name")).toHaveText("Personal");
  await page.goto("/account/usage");
  await expect(page).toHaveURL(`/w/${personal}/usage`);

  // /w/<slug> itself opens billing for its owner; another person's workspace is not found.
  await page.goto(`/w/${acme}`);
  await expect(page).toHaveURL(`/w/${acme}/billing`);
  const missing = await page.goto("/w/no-such-workspace/billing");
  expect(missing?.status()).toBe(404);
});
