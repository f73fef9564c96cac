/**
 * The job engine's tables (pg-boss, in the `pgboss` schema of the same database). They are part
 * of the database's schema: installed or upgraded where our migrations are applied (development,
 * tests, `npm run db:migrate`), and only checked where those are verified (a production server),
 * so a deploy that forgot `db:migrate` stops at start instead of failing its first job.
 */
import PgBoss from "pg-boss";
import type { SqlExecutor } from "./index";

export const JOB_SCHEMA = "pgboss";

function installer(sql: SqlExecutor, migrate: boolean): PgBoss {
  const boss = new PgBoss({
    db: sql,
    schema: JOB_SCHEMA,
    migrate,
    supervise: false,
    schedule: false,
  });
  // An engine that only installs has no background work; errors reach the caller as throws.
  boss.on("error", () => undefined);
  return boss;
}

/** Creates the job schema, or brings it to this pg-boss version. Safe to run concurrently. */
export async function installJobSchema(sql: SqlExecutor): Promise<void> {
  const boss = installer(sql, true);
  await boss.start();
  await boss.stop({ graceful: false, close: false });
}

/** Whether the job schema is installed at this pg-boss version (no change is made). */
export async function jobSchemaIsCurrent(sql: SqlExecutor): Promise<boolean> {
  const boss = installer(sql, false);
  try {
    await boss.start();
  } catch {
    return false;
  }
  await boss.stop({ graceful: false, close: false });
  return true;
}
