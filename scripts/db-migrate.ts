/**
 * `npm run db:migrate`: applies the migrations in drizzle/ to the configured database
 * (DATABASE_URL, or PGlite in PGLITE_DIR) and exits. For production deploys, before the new
 * version starts; the app also applies them on first use.
 */
import "./load-env";
import { closeDb, getDatabase } from "../db";
import { log } from "../lib/log";

try {
  const { kind, location } = await getDatabase();
  log.info({ database: kind, location }, "migrations applied");
  await closeDb();
} catch (error) {
  log.fatal({ err: error }, "migration failed");
  process.exitCode = 1;
}
