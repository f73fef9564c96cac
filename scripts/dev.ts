/**
 * `npm run dev`: checks the configuration and the embedded database's lock, starts the bundled
 * Stripe emulator and syncs the plan catalog into it (unless real Stripe is configured), then
 * starts `next dev`, which runs the job worker in its own process (WORKER_IN_APP). Needs no environment: without DATABASE_URL the app uses PGlite in .data/,
 * without STRIPE_SECRET_KEY the emulator, whose state is kept in .data/stripe-emulator.json.
 */
import "./load-env";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { PgliteLockedError, pgliteLockOwner } from "../db/pglite-lock";
import { setupChangedAnything } from "../lib/billing/service/set-up-stripe";
import { createStripeClient } from "../lib/billing/stripe/client";
import { formatEnvErrors, parseEnv, runsWorkerInApp, usesStripeEmulator } from "../lib/env";
import { type RunningEmulator, startEmulator } from "../stripe-emulator";
import { EMULATOR_DATA_FILE, syncDevStripe } from "./dev-stripe";

function fail(message: string): never {
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}

const result = parseEnv(process.env, { server: true });
if (!result.ok) fail(formatEnvErrors(result.issues));
const config = result.env;

if (!config.DATABASE_URL) {
  const owner = pgliteLockOwner(config.PGLITE_DIR);
  if (owner !== null) fail(new PgliteLockedError(path.resolve(config.PGLITE_DIR), owner).message);
}

const port = process.env.PORT || new URL(config.FRONTEND_URL).port || "3000";
// Auth.js builds its links from FRONTEND_URL; on another port, the default must follow.
const frontendUrl = process.env.FRONTEND_URL?.trim()
  ? config.FRONTEND_URL
  : `http://localhost:${port}`;
process.env.FRONTEND_URL = frontendUrl;
const database = config.DATABASE_URL
  ? "Postgres (DATABASE_URL)"
  : `embedded PGlite in ${config.PGLITE_DIR}`;

const childEnv: NodeJS.ProcessEnv = { ...process.env };
let emulator: RunningEmulator | null = null;
let stripeLines: string;

if (usesStripeEmulator(config) && !config.STRIPE_API_BASE) {
  try {
    emulator = await startEmulator({
      port: config.STRIPE_EMULATOR_PORT,
      dataFile: EMULATOR_DATA_FILE,
    });
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "EADDRINUSE") {
      fail(
        `Port ${config.STRIPE_EMULATOR_PORT} is already in use, so the Stripe emulator cannot ` +
          "start.\nIs another `npm run dev` running? Stop it, or set STRIPE_EMULATOR_PORT to a " +
          "free port.",
      );
    }
    throw error;
  }
  const running = emulator;
  try {
    const stripe = createStripeClient({ ...config, STRIPE_API_BASE: running.url });
    const { report, webhookSecret } = await syncDevStripe(stripe, { frontendUrl });
    childEnv.STRIPE_API_BASE = running.url;
    childEnv.STRIPE_WEBHOOK_SECRET = webhookSecret;
    const counts = countActions(report.changes.map((change) => change.action));
    stripeLines =
      `  stripe:   emulator at ${running.url} (state in ${EMULATOR_DATA_FILE})\n` +
      `            control API: ${running.url}/_emulator (Authorization: Bearer ${running.secretKey})\n` +
      `            catalog ${setupChangedAnything(report) ? "synced" : "up to date"}: ${counts}\n`;
  } catch (error) {
    await running.close();
    fail(`The plan catalog could not be synced into the Stripe emulator: ${String(error)}`);
  }
} else if (config.STRIPE_API_BASE) {
  stripeLines = `  stripe:   ${config.STRIPE_API_BASE} (STRIPE_API_BASE)\n`;
} else {
  const mode = config.STRIPE_SECRET_KEY.includes("_live_") ? "live mode" : "test mode";
  stripeLines =
    `  stripe:   real Stripe (api.stripe.com, ${mode}); no emulator started.\n` +
    "            Run `npm run stripe:sync` after changing lib/billing/catalog/plans.ts.\n";
}

const jobs = runsWorkerInApp({ ...config, NODE_ENV: "development" })
  ? "worker in the app process (pg-boss, schema pgboss); queues at /admin/jobs"
  : "no worker in the app (WORKER_IN_APP=false): run `npm run worker`";

process.stdout.write(
  `\nTollgate is starting on http://localhost:${port}\n` +
    `  database: ${database}\n${stripeLines}` +
    `  jobs:     ${jobs}\n` +
    `  pricing:  http://localhost:${port}/pricing\n` +
    `  sign up:  http://localhost:${port}/sign-up\n\n`,
);

const next = spawn(
  process.execPath,
  [createRequire(import.meta.url).resolve("next/dist/bin/next"), "dev", "--port", port],
  { stdio: "inherit", env: childEnv },
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => next.kill(signal));
}
next.on("exit", (code, signal) => {
  const exitCode = code ?? (signal ? 1 : 0);
  if (!emulator) process.exit(exitCode);
  emulator.close().then(
    () => process.exit(exitCode),
    () => process.exit(exitCode || 1),
  );
});

function countActions(actions: string[]): string {
  const counts = new Map<string, number>();
  for (const action of actions) counts.set(action, (counts.get(action) ?? 0) + 1);
  return [...counts].map(([action, count]) => `${count} ${action}`).join(", ");
}
