/** The test server lists these emails in ADMIN_EMAILS (playwright.config.ts). */
export const E2E_ADMIN_EMAIL = "admin-e2e@example.com";
/** Used only by the test that watches an admin address go from unverified to admin. */
export const E2E_PROOF_ADMIN_EMAIL = "admin-proof-e2e@example.com";
export const E2E_PASSWORD = "a-long-enough-password";

/** The Stripe emulator beside the test server (scripts/e2e-server.ts); its control API is here. */
export const E2E_STRIPE_PORT = Number(process.env.E2E_STRIPE_PORT ?? 3190);
export const E2E_STRIPE_URL = `http://127.0.0.1:${E2E_STRIPE_PORT}`;
export const E2E_STRIPE_KEY = "sk_test_tollgate_emulator";
