import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "./e2e/browser";
import { E2E_ADMIN_EMAIL, E2E_PROOF_ADMIN_EMAIL, E2E_STRIPE_PORT } from "./e2e/constants";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

// The server under test gets a database of its own: the Postgres database named by
// DATABASE_URL, or a fresh PGlite directory for this run. The config is evaluated again in
// each worker, so the directory is chosen once and handed down through the environment.
process.env.E2E_PGLITE_DIR ??= path.join(
  mkdtempSync(path.join(tmpdir(), "tollgate-e2e-")),
  "pglite",
);
// The test server's mail sink (e2e/mail-sink.ts) writes every email here; e2e/mailbox.ts reads.
process.env.E2E_MAILBOX ??= path.join(path.dirname(process.env.E2E_PGLITE_DIR), "mailbox.jsonl");

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
  },
  projects: [
    {
      name: "desktop",
      use: { ...devices["Desktop Chrome"] },
      testIgnore: /webhook-chaos\.spec\.ts/,
    },
    // No browser: the webhook pipeline in processes of its own, started from the build the
    // webServer made. After the browser tests, so it has the machine to itself; not retried,
    // since a run that failed once has found something.
    {
      name: "chaos",
      testMatch: /webhook-chaos\.spec\.ts/,
      dependencies: ["desktop"],
      retries: 0,
      timeout: 240_000,
    },
  ],
  webServer: {
    // next start behind a Stripe emulator of its own (scripts/e2e-server.ts).
    command: "npm run build && npx tsx scripts/e2e-server.ts",
    url: `${baseURL}/api/health`,
    timeout: 240_000,
    reuseExistingServer: !process.env.CI,
    stdout: "pipe",
    env: {
      E2E_PORT: String(port),
      E2E_STRIPE_PORT: String(E2E_STRIPE_PORT),
      FRONTEND_URL: baseURL,
      PGLITE_DIR: process.env.E2E_PGLITE_DIR,
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      // `next start` is a production server: it refuses to start without AUTH_SECRET.
      AUTH_SECRET: "tollgate-e2e-secret-used-only-by-the-test-server",
      ADMIN_EMAILS: `${E2E_ADMIN_EMAIL},${E2E_PROOF_ADMIN_EMAIL}`,
      E2E_MAILBOX: process.env.E2E_MAILBOX,
      // The tests play the proxy in front of the app: each sends X-Forwarded-For with an
      // address of its own (e2e/fixtures.ts).
      TRUSTED_PROXY_HOPS: "1",
    },
  },
});
