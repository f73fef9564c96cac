/** The test server lists this email in ADMIN_EMAILS (playwright.config.ts). */
export const E2E_ADMIN_EMAIL = "admin-e2e@example.com";
export const E2E_PASSWORD = "a-long-enough-password";
