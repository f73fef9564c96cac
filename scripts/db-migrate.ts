/**
 * `npm run db:migrate`: applies the migrations in drizzle/ to the configured database
 * (DATABASE_URL, or PGlite in PGLITE_DIR) and exits. The deploy step of production, run before
 * the new version starts (a production server refuses to start while one is pending); in
 * development and tests the app applies them on first use.
 */
import "./load-env";
import { configuredDatabase, openDatabase } from "../db";
import { log } from "../lib/log";

try {
  const handle = await openDatabase({ ...configuredDatabase(), migrate: true });
  log.info({ database: handle.kind, location: handle.location }, "database is up to date");
  await handle.close();
} catch (error) {
  log.fatal({ err: error }, "migration failed");
  process.exitCode = 1;
}
