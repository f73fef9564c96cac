import { E2E_PASSWORD, E2E_PROOF_ADMIN_EMAIL } from "./constants";
import {
  expect,
  fillSignIn,
  followVerificationLink,
  forgetSession,
  signIn,
  signUp,
  test,
  uniqueEmail,
} from "./fixtures";
import { latestLinkTo } from "./mailbox";

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
  // The test server configures no OAuth app: no buttons for them. It has an email server.
  await expect(page.getByRole("button", { name: /GitHub|Google/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Email me a sign-in link" })).toBeVisible();
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

test("sign-up asks to verify the email, and the mailed link verifies it", async ({ page }) => {
  const email = uniqueEmail("verify");
  await signUp(page, { email });
  await expect(page).toHaveURL(/\/account$/);
  const notice = page.getByRole("region", { name: "Verify your email" });
  await expect(notice).toContainText(email);

  await notice.getByRole("button", { name: "Send the link again" }).click();
  await expect(notice.getByRole("status")).toHaveText(`We sent a new link to ${email}.`);

  await followVerificationLink(page, email);
  await expect(page.getByRole("status")).toHaveText("Your email address is verified.");
});

test("an address listed in ADMIN_EMAILS becomes admin only once the mailed link proves it", async ({
  page,
}) => {
  // The account is created once per test server; a retry finds it taken and signs in instead.
  await signUp(page, { email: E2E_PROOF_ADMIN_EMAIL });
  const taken = page.getByText("An account with this email already exists");
  await expect(page.getByTestId("account-email").or(taken)).toBeVisible();
  if (await taken.isVisible()) {
    await signIn(page, { email: E2E_PROOF_ADMIN_EMAIL });
  } else {
    await expect(page.getByRole("heading", { name: "Verify your email" })).toBeVisible();
    expect((await page.goto("/admin"))?.status()).toBe(404);
    await page.goto("/account");
  }
  if (await page.getByRole("heading", { name: "Verify your email" }).isVisible()) {
    await followVerificationLink(page, E2E_PROOF_ADMIN_EMAIL);
  }
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Admin", level: 1 })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }),
  ).toBeVisible();
});

test("whoever signed up with your address loses it when you sign in with a link", async ({
  page,
  browser,
  baseURL,
}) => {
  const email = uniqueEmail("hijacked");
  await signUp(page, { email }); // someone else, with a password of their choosing
  await expect(page).toHaveURL(/\/account$/);

  const owner = await browser.newPage({
    baseURL,
    extraHTTPHeaders: { "x-forwarded-for": "10.250.0.1" },
  });
  await owner.goto("/sign-in");
  await owner.getByLabel("Email for a sign-in link").fill(email);
  await owner.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(owner.getByRole("heading", { name: "Check your email" })).toBeVisible();
  // Next's request URLs name 127.0.0.1 "localhost", so Auth.js answers the link from
  // localhost; follow it there for the session cookie to be set where the browser goes next.
  const link = await latestLinkTo(email, "/api/auth/callback/nodemailer");
  await owner.goto(link.replace("//127.0.0.1:", "//localhost:"));
  await expect(owner).toHaveURL(/\/account$/);
  await expect(owner.getByRole("heading", { name: "Set a password" })).toBeVisible();
  await owner.getByLabel("New password").fill("the-owners-own-password");
  await owner.getByRole("button", { name: "Set password" }).click();
  await expect(owner.getByRole("status")).toHaveText("Your password is saved.");
  await owner.close();

  // The earlier session is over, and the earlier password no longer works.
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await fillSignIn(page, { email });
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Email or password is wrong.");
});

test("changing the password keeps this browser signed in and signs out every other", async ({
  page,
  browser,
  baseURL,
}) => {
  const email = uniqueEmail("change");
  await signUp(page, { email });
  await expect(page).toHaveURL(/\/account$/);
  const other = await browser.newPage({
    baseURL,
    extraHTTPHeaders: { "x-forwarded-for": "10.250.0.2" },
  });
  await signIn(other, { email });
  await expect(other).toHaveURL(/\/account$/);

  await page.getByLabel("Current password").fill(E2E_PASSWORD);
  await page.getByLabel("New password").fill("a-brand-new-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/account\?password=changed$/);
  await expect(page.getByRole("main").getByRole("status")).toHaveText(
    "Your password is changed. Every other session is signed out.",
  );
  await expect(page.getByTestId("account-email")).toHaveText(email);
  await page.goto("/account/api-keys");
  await expect(page).toHaveURL(/\/w\/[a-z0-9-]+\/api-keys$/);

  await other.goto("/account");
  await expect(other).toHaveURL(/\/sign-in\?callbackUrl=/);
  await other.close();
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
  // Back at the old address, which leads to the personal workspace's page.
  await expect(page).toHaveURL(/\/w\/[a-z0-9-]+\/api-keys$/);
});

test("session cookies are HttpOnly and SameSite=Lax", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("cookie") });
  await expect(page).toHaveURL(/\/account$/);
  const session = (await page.context().cookies()).find((cookie) =>
    cookie.name.endsWith("authjs.session-token"),
  );
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
});
