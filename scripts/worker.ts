/**
 * `npm run worker`: the job worker (lib/jobs/): takes background jobs — webhook events, the
 * usage flush, reconcile, cleanup — from the database and runs them until SIGINT or SIGTERM,
 * then lets running jobs finish. Run any number of them beside any number of `npm start`. On
 * the embedded PGlite database only one process can open it: `npm run dev` runs the worker in
 * the app instead.
 */
import "./load-env";
import { closeDb, getDatabase, MigrationsPendingError } from "../db";
import { PgliteLockedError } from "../db/pglite-lock";
import { formatEnvErrors, parseEnv } from "../lib/env";
import { errorReason } from "../lib/error-reason";
import { startProcessWorker, stopProcessWorker } from "../lib/jobs/process-worker";
import { log } from "../lib/log";

const config = parseEnv(process.env, { server: true });
if (!config.ok) {
  process.stderr.write(`\n${formatEnvErrors(config.issues)}\n\n`);
  process.exit(1);
}

try {
  await getDatabase();
} catch (error) {
  if (error instanceof PgliteLockedError || error instanceof MigrationsPendingError) {
    process.stderr.write(`\n${error.message}\n\n`);
    process.exit(1);
  }
  log.error({ reason: errorReason(error) }, "database unavailable at start-up; will retry");
}
await startProcessWorker();

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "job worker stopping");
    stopProcessWorker()
      .then(() => closeDb())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ reason: errorReason(error) }, "job worker did not stop cleanly");
          process.exit(1);
        },
      );
  });
}
