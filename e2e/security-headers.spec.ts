import type { APIResponse, Page } from "@playwright/test";
import { cancelInPortal, startProTrialFromPricing } from "./billing-steps";
import { E2E_STRIPE_URL } from "./constants";
import { expect, signInAsAdmin, signUp, test, uniqueEmail } from "./fixtures";

/** The headers every response carries, whatever answered it (proxy.ts or next.config.ts). */
function expectSecurityHeaders(response: APIResponse): void {
  const headers = response.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  // The test server's FRONTEND_URL is http: no HSTS (lib/http/security-headers.test.ts has https).
  expect(headers["strict-transport-security"]).toBeUndefined();
}

function nonceOf(response: APIResponse): string {
  const policy = response.headers()["content-security-policy"] ?? "";
  return /script-src [^;]*'nonce-([^']+)'/.exec(policy)?.[1] ?? "";
}

test.describe("security headers", () => {
  test("are on a page, with a fresh script nonce that the page's scripts carry", async ({
    request,
  }) => {
    const first = await request.get("/pricing");
    const second = await request.get("/pricing");
    expect(first.status()).toBe(200);
    expectSecurityHeaders(first);
    const nonce = nonceOf(first);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceOf(second)).not.toBe(nonce);
    expect(first.headers()["content-security-policy"]).not.toContain("unsafe-eval");

    const scripts = (await first.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
  });

  test("are on an API route, with a policy that loads nothing", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expectSecurityHeaders(response);
    expect(response.headers()["content-security-policy"]).toContain("default-src 'none'");
  });

  test("are on a 404, page or API", async ({ request }) => {
    for (const path of ["/no-such-page", "/api/no-such-route"]) {
      const response = await request.get(path);
      expect(response.status(), path).toBe(404);
      expectSecurityHeaders(response);
    }
  });

  test("are on the redirect to sign-in, which never leads to the Host the request claimed", async ({
    request,
  }) => {
    const response = await request.get("/account/billing?tab=1", {
      maxRedirects: 0,
      headers: { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" },
    });
    expect(response.status()).toBe(307);
    expectSecurityHeaders(response);
    const location = response.headers().location ?? "";
    expect(location).not.toContain("evil.example");
    const target = new URL(location, "http://placeholder.invalid");
    expect(target.pathname).toBe("/sign-in");
    expect(target.searchParams.get("callbackUrl")).toBe("/account/billing?tab=1");
  });
});

/**
 * Collects every Content Security Policy violation the browser reports on any page `page`
 * shows from now on: the `securitypolicyviolation` event, and Chrome's own console errors.
 */
async function watchPolicyViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/.test(message.text())) {
      violations.push(`${page.url()}: ${message.text()}`);
    }
  });
  await page.exposeFunction("reportPolicyViolation", (text: string) => {
    violations.push(`${page.url()}: ${text}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = Reflect.get(window, "reportPolicyViolation");
      if (typeof report === "function") {
        void report(`${event.violatedDirective} blocked ${event.blockedURI}`);
      }
    });
  });
  return violations;
}

/** Next's client runtime started (it sets `window.next`): the page's scripts were allowed. */
async function expectScriptsRan(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => Reflect.has(window, "next"))).toBe(true);
}

test("the app's pages, checkout and the portal run under the policy without a violation", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const violations = await watchPolicyViolations(page);

  for (const path of ["/", "/pricing", "/sign-in"]) {
    await page.goto(path);
    await expectScriptsRan(page);
  }

  // Pricing → sign-up → the emulator's checkout page → back to the billing page.
  await startProTrialFromPricing(page, uniqueEmail("csp"));
  await expect(page.getByTestId("billing-plan")).toHaveText("Pro");

  const billing = new URL(page.url()).pathname;
  const workspace = billing.slice(0, -"/billing".length);
  for (const path of [
    "/account",
    `${workspace}/usage`,
    `${workspace}/invoices`,
    `${workspace}/api-keys`,
  ]) {
    await page.goto(path);
    await expectScriptsRan(page);
  }
  await page.goto(billing);
  await cancelInPortal(page);
  expect(page.url().startsWith(E2E_STRIPE_URL)).toBe(false);

  expect(violations).toEqual([]);
});

test("a signed-in person starts Checkout from the pricing page without a violation", async ({
  page,
}) => {
  const violations = await watchPolicyViolations(page);
  const email = uniqueEmail("csp-pricing");
  await signUp(page, { email });
  await expect(page.getByTestId("account-email")).toHaveText(email);
  await page.goto("/pricing");
  await expectScriptsRan(page);
  // The button leads to a route that redirects to Stripe: the browser must load it, not the
  // client router (whose fetch of Stripe's page the policy refuses).
  await page
    .getByTestId("plan-pro")
    .getByRole("link", { name: /Pro, billed monthly/ })
    .click();
  await expect(page).toHaveURL(new RegExp(`^${E2E_STRIPE_URL}/c/pay/`));
  expect(violations).toEqual([]);
});

test("the admin pages run under the policy without a violation", async ({ page }) => {
  const violations = await watchPolicyViolations(page);
  await signInAsAdmin(page);
  for (const path of ["/admin/invoices", "/admin/customers", "/admin/webhooks"]) {
    await page.goto(path);
    await expectScriptsRan(page);
  }
  expect(violations).toEqual([]);
});

test("markup injected into a page cannot run script", async ({ page }) => {
  // Proves the watch above can fail: the policy is enforced, not just sent.
  const violations = await watchPolicyViolations(page);
  await page.goto("/pricing");
  await page.evaluate(() => {
    const injected = document.createElement("div");
    injected.innerHTML = '<img src="/no-such-image" onerror="window.__injected = true">';
    document.body.append(injected);
  });
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(violations.join("\n")).toContain("script-src");
  expect(await page.evaluate(() => Reflect.get(window, "__injected"))).toBeUndefined();
});
