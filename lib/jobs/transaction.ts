/**
 * Jobs sent inside a database transaction: pg-boss writes the job through the transaction's own
 * connection (its `db` option), so the job exists exactly when the transaction commits — a
 * change that rolls back sends nothing, and a crash after the commit loses nothing.
 *
 * The engine returned here is never started: it only writes (send, create a queue), and only
 * through `db`. Nothing else may run on the side while the transaction is open — on PGlite
 * (`npm run dev`, tests) a query outside an open transaction waits for it to end, for ever.
 *
 * Not marked `server-only`: the worker loads lib/jobs.
 */
import { type SQL, sql } from "drizzle-orm";
import PgBoss from "pg-boss";
import { type Database, type SqlExecutor, selectRows } from "../../db";
import { JOB_SCHEMA } from "../../db/job-schema";

/** A pg-boss engine whose every statement runs on `db` (a transaction, usually). */
export function jobsOn(db: Database): PgBoss {
  const boss = new PgBoss({
    db: executorOn(db),
    schema: JOB_SCHEMA,
    migrate: false,
    supervise: false,
    schedule: false,
  });
  // Not started: it has no background work; failed writes reach the caller as throws.
  boss.on("error", () => undefined);
  return boss;
}

/**
 * pg-boss's numbered parameters (`$1`, used more than once at times) become the query builder's
 * own, one per place they appear, so the statement runs on whichever driver `db` has.
 */
function executorOn(db: Database): SqlExecutor {
  return {
    executeSql: async (text, values = []) => {
      const chunks: SQL[] = [];
      let last = 0;
      for (const match of text.matchAll(/\$(\d+)/g)) {
        chunks.push(sql.raw(text.slice(last, match.index)));
        chunks.push(sql`${toParameter(values[Number(match[1]) - 1])}`);
        last = match.index + match[0].length;
      }
      chunks.push(sql.raw(text.slice(last)));
      return { rows: await selectRows(db, sql.join(chunks)) };
    },
  };
}

/**
 * A value as pg (pg-boss's own driver) sends it: `undefined` as NULL, a Date as its ISO time, an
 * object as JSON text (the drivers behind the query builder pass json parameters through as
 * they are).
 */
function toParameter(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return JSON.stringify(value);
  }
  return value;
}
