/**
 * `npm run dev`: checks the configuration and the embedded database's lock, then starts
 * `next dev`. Needs no environment: without DATABASE_URL the app uses PGlite in .data/.
 */
import "./load-env";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { PgliteLockedError, pgliteLockOwner } from "../db/pglite-lock";
import { formatEnvErrors, parseEnv } from "../lib/env";

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
if (!process.env.FRONTEND_URL?.trim()) process.env.FRONTEND_URL = `http://localhost:${port}`;
const database = config.DATABASE_URL
  ? "Postgres (DATABASE_URL)"
  : `embedded PGlite in ${config.PGLITE_DIR}`;
process.stdout.write(
  `\nTollgate is starting on http://localhost:${port}\n` +
    `  database: ${database}\n  pricing:  http://localhost:${port}/pricing\n\n`,
);

const next = spawn(
  process.execPath,
  [createRequire(import.meta.url).resolve("next/dist/bin/next"), "dev", "--port", port],
  { stdio: "inherit", env: process.env },
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => next.kill(signal));
}
next.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
