import { E2E_ADMIN_EMAIL, E2E_PASSWORD } from "./constants";
import { expect, fillSignIn, forgetSession, signIn, signUp, test, uniqueEmail } from "./fixtures";

test("sign up, sign out and sign in again, landing on the account page", async ({ page }) => {
  const email = uniqueEmail("cycle");
  await signUp(page, { email, name: "Cycle Tester" });
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-email")).toHaveText(email);

  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Sign out" })
    .click();
  await expect(page.getByRole("heading", { name: "Sign out" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }),
  ).toBeVisible();

  // Signed out, the account page sends to sign-in and comes back afterwards.
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await fillSignIn(page, { email });
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-email")).toHaveText(email);
});

test("sign-in never says whether the email or the password was wrong", async ({ page }) => {
  const email = uniqueEmail("wrong");
  await signUp(page, { email });
  await expect(page).toHaveURL(/\/account$/);
  await forgetSession(page);

  await signIn(page, { email, password: "not-the-password" });
  // The test server configures no OAuth app and no email server: no buttons for them.
  await expect(page.getByRole("button", { name: /GitHub|Google|sign-in link/ })).toHaveCount(0);
  const alert = page.getByRole("main").getByRole("alert");
  await expect(alert).toHaveText("Email or password is wrong.");
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue(email);

  await signIn(page, { email: uniqueEmail("nobody") });
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Email or password is wrong.");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("sign-up shows each problem beside its field", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();

  const email = page.getByLabel("Email");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(email).toHaveAccessibleDescription("Enter a valid email address");
  await expect(page.getByLabel("Password")).toHaveAccessibleDescription(/At least 8 characters/);
  await expect(page.getByText("Use at least 8 characters")).toBeVisible();
  await expect(email).toHaveValue("not-an-email");
  await expect(page).toHaveURL(/\/sign-up/);
});

test("sign-up with a taken email says so and points to sign-in", async ({ page }) => {
  const email = uniqueEmail("taken");
  await signUp(page, { email });
  await expect(page).toHaveURL(/\/account$/);
  await forgetSession(page);

  await signUp(page, { email: email.toUpperCase() });
  await expect(page.getByText("An account with this email already exists")).toBeVisible();
});

test("a plain user gets the not-found page at /admin", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("plain") });
  await expect(page).toHaveURL(/\/account$/);
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }),
  ).toHaveCount(0);
});

test("an email listed in ADMIN_EMAILS gets into the admin area", async ({ page }) => {
  // The account is created once per test server; a retry finds it taken and signs in instead.
  await signUp(page, { email: E2E_ADMIN_EMAIL, callbackUrl: "/admin" });
  const heading = page.getByRole("heading", { name: "Admin", level: 1 });
  const taken = page.getByText("An account with this email already exists");
  await expect(heading.or(taken)).toBeVisible();
  if (await taken.isVisible()) {
    await signIn(page, { email: E2E_ADMIN_EMAIL, callbackUrl: "/admin" });
  }
  await expect(page).toHaveURL(/\/admin$/);
  await expect(heading).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }),
  ).toBeVisible();
});

for (const target of ["//evil.example", "https://evil.example", "/\\evil.example"]) {
  test(`callbackUrl=${target} lands on a page of this site`, async ({ page, baseURL }) => {
    const email = uniqueEmail("redirect");
    await signUp(page, { email, callbackUrl: target });
    await expect(page).toHaveURL(/\/account$/);
    expect(new URL(page.url()).origin).toBe(baseURL);

    await forgetSession(page);
    await signIn(page, { email, callbackUrl: target });
    await expect(page).toHaveURL(/\/account$/);
    expect(new URL(page.url()).origin).toBe(baseURL);
  });
}

test("a signed-in visitor of a protected page returns to it after signing in", async ({ page }) => {
  const email = uniqueEmail("return");
  await signUp(page, { email });
  await forgetSession(page);
  await page.goto("/account/api-keys");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await fillSignIn(page, { email, password: E2E_PASSWORD });
  await expect(page).toHaveURL(/\/account\/api-keys$/);
});

test("session cookies are HttpOnly and SameSite=Lax", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("cookie") });
  await expect(page).toHaveURL(/\/account$/);
  const session = (await page.context().cookies()).find((cookie) =>
    cookie.name.endsWith("authjs.session-token"),
  );
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
});
