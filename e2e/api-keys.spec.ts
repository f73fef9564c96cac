import { expect, openWorkspacePage, signUp, test, uniqueEmail, workspaceUrl } from "./fixtures";

test("an API key is shown once, works for programs, and stops working when revoked", async ({
  page,
  playwright,
  baseURL,
}) => {
  await signUp(page, { email: uniqueEmail("keys"), callbackUrl: "/account/api-keys" });
  await expect(page).toHaveURL(workspaceUrl("api-keys", "$"));
  await expect(page.getByText("This workspace has no API keys yet.")).toBeVisible();

  await page.getByLabel("Key name").fill("Build server");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent()) ?? "";
  expect(key).toMatch(/^tg_[a-z0-9]{8}_/);
  const row = page.getByRole("row", { name: /Build server/ });
  await expect(row).toContainText(key.slice(0, 11));
  await expect(row).toContainText("Never");

  await page.reload();
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  await expect(page.getByText(key)).toHaveCount(0);

  // A program, with no cookies, uses the key.
  const program = await playwright.request.newContext({ baseURL });
  const me = await program.get("/api/me", { headers: { authorization: `Bearer ${key}` } });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ authenticatedWith: "api_key" });

  await page.reload();
  await expect(page.getByRole("row", { name: /Build server/ })).not.toContainText("Never");

  await page.getByRole("button", { name: "Revoke Build server" }).click();
  await expect(page.getByText("This workspace has no API keys yet.")).toBeVisible();
  const after = await program.get("/api/me", { headers: { authorization: `Bearer ${key}` } });
  expect(after.status()).toBe(401);
  await program.dispose();
});

test("a state-changing call from another origin is refused with 403", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("origin") });
  await expect(page).toHaveURL(/\/account$/);
  const slug = await openWorkspacePage(page, "api-keys");
  // The page's request context carries the session cookie, as a browser would.
  const foreign = await page.request.post(`/api/workspaces/${slug}/api-keys`, {
    data: { name: "csrf" },
    headers: { origin: "https://evil.example" },
  });
  expect(foreign.status()).toBe(403);
  expect(await foreign.json()).toMatchObject({ error: { code: "forbidden" } });

  const own = await page.request.post(`/api/workspaces/${slug}/api-keys`, {
    data: { name: "mine" },
  });
  expect(own.status()).toBe(201);
});
