/**
 * `npm run db:seed`: adds the demo admin and users to the configured database (idempotent).
 * Their password is SEED_PASSWORD, or "tollgate-demo" outside production; in production
 * SEED_PASSWORD is required, so no deployment gets a well-known password by accident.
 */
import "./load-env";
import { closeDb, getDb } from "../db";
import { seed } from "../db/seed";
import { env } from "../lib/env";
import { log } from "../lib/log";

const config = env();
const password =
  process.env.SEED_PASSWORD || (config.NODE_ENV === "production" ? "" : "tollgate-demo");

if (!password) {
  log.fatal("SEED_PASSWORD must be set to seed a production database");
  process.exit(1);
}

try {
  const result = await seed(await getDb(), { password, adminEmails: config.ADMIN_EMAILS });
  log.info(result, "seed done");
} catch (error) {
  log.fatal({ err: error }, "seed failed");
  process.exitCode = 1;
} finally {
  await closeDb();
}
