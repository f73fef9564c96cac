/**
 * `npm run db:seed`: adds the demo admin and users to the configured database (idempotent).
 * Their password is SEED_PASSWORD, or "tollgate-demo" for a local development database; in
 * production or on a database of another host SEED_PASSWORD is required (db/seed.ts
 * `seedPassword`), so no deployment gets a well-known password by accident.
 */
import "./load-env";
import { closeDb, getDb } from "../db";
import { seed, seedPassword } from "../db/seed";
import { env } from "../lib/env";
import { log } from "../lib/log";

const config = env();
const chosen = seedPassword(config, process.env.SEED_PASSWORD?.trim() || undefined);

if ("refusal" in chosen) {
  log.fatal(chosen.refusal);
  process.exit(1);
}

try {
  const result = await seed(await getDb(), {
    password: chosen.password,
    adminEmails: config.ADMIN_EMAILS,
  });
  log.info(result, "seed done");
} catch (error) {
  log.fatal({ err: error }, "seed failed");
  process.exitCode = 1;
} finally {
  await closeDb();
}
