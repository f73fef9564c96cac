import { getDatabase, MigrationsPendingError } from "./db";
import { PgliteLockedError } from "./db/pglite-lock";
import { env, runsWorkerInApp } from "./lib/env";
import { forwardSocketAddress } from "./lib/http/socket-address";
import { log } from "./lib/log";

/**
 * Opens the database when the server starts, so that migrations are applied before the first
 * request and a PGlite directory already held by another process stops this server at once
 * with a clear message instead of failing later. In production a migration not yet applied stops
 * it too: migrations are a deploy step (`npm run db:migrate`). A Postgres server that is down does not stop
 * start-up: /api/health answers 503 until it is up. Skipped while `next build` prerenders.
 *
 * With WORKER_IN_APP (on in development) it then starts the job worker in this process
 * (lib/jobs/), which `npm run worker` runs on its own elsewhere.
 */
export async function openDatabaseAtStartup(): Promise<void> {
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  try {
    await getDatabase();
  } catch (error) {
    if (error instanceof PgliteLockedError || error instanceof MigrationsPendingError) {
      log.fatal(error.message);
      process.exit(1);
    }
    log.error({ err: error }, "database unavailable at start-up; will retry on first use");
  }
  if (runsWorkerInApp(env())) {
    const { startProcessWorker } = await import("./lib/jobs/process-worker");
    void startProcessWorker();
  }
}

/**
 * With no trusted proxy in front (TRUSTED_PROXY_HOPS=0), the client's address is the
 * connection's: X-Forwarded-For is overwritten with it before Next reads it (lib/http/client-ip.ts).
 */
export function trustConnectionAddress(): void {
  if (env().TRUSTED_PROXY_HOPS === 0) forwardSocketAddress();
}
