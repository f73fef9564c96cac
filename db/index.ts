/**
 * The database client. `DATABASE_URL` set → a Postgres server through postgres.js; unset → an
 * embedded PGlite database in `PGLITE_DIR` (default `.data/pglite`), created on first use and
 * locked to this process. In development and tests, migrations from drizzle/ are applied when the
 * database is first opened, on either path; on Postgres they run under an advisory lock, so many
 * instances starting together apply them once. In production they are a deploy step
 * (`npm run db:migrate`): a server that finds one not applied refuses to start
 * (`MigrationsPendingError`) rather than change the schema under a running fleet.
 *
 * On Postgres the client outlives outages (postgres-client.ts): while the server cannot be
 * reached, queries fail within seconds with errors that `databaseUnavailable()` recognises
 * (unavailable.ts; routes answer them 503), and the same `db` serves again soon after it is
 * back, without a restart.
 *
 * Nothing here runs at import time: the database opens on the first `getDb()`, which keeps
 * `next build` from touching it.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import postgres from "postgres";
import { env } from "../lib/env";
import { log } from "../lib/log";
import { installJobSchema, jobSchemaIsCurrent } from "./job-schema";
import {
  applyMigrations,
  type MigrationConnection,
  type MigrationExecutor,
  pendingMigrations,
} from "./migrate";
import { acquirePgliteLock } from "./pglite-lock";
import { openPostgresClient } from "./postgres-client";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The common type of both drivers' databases; query code takes this. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseKind = "postgres" | "pglite";

/**
 * Raw SQL on the handle's own connection, in the shape pg-boss takes for its `db` option: with
 * values, one parameterised statement; without, a script of any number of statements (pg-boss
 * installs itself with such scripts). Rows of the last statement.
 */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: DatabaseKind;
  /** Where the data lives: the PGlite directory, "memory", or the server's host/database. */
  readonly location: string;
  /** Raw SQL on the same connections (the job engine runs on it). */
  readonly sql: SqlExecutor;
  /** Applies the migrations of `folder` (default drizzle/) not applied yet; returns their tags. */
  applyMigrations(folder?: string): Promise<string[]>;
  close(): Promise<void>;
}

export type OpenDatabaseOptions = (
  | { url: string }
  | { dataDir: string }
  /** An in-memory PGlite: gone when closed (tests). */
  | { memory: true }
) & {
  /**
   * What to do about migrations not applied yet: `true` (default) applies them, `"verify"`
   * refuses to open the database while any is pending (`MigrationsPendingError`), `false`
   * leaves them alone.
   */
  migrate?: boolean | "verify";
  migrationsFolder?: string;
};

/** Arbitrary, fixed key for pg_advisory_lock around migrations. */
export const MIGRATION_LOCK_KEY = 7_361_420_021;

const defaultMigrationsFolder = () => path.join(process.cwd(), "drizzle");

function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
}

/** Thrown by a production server that finds migrations not applied yet. */
export class MigrationsPendingError extends Error {
  constructor(readonly tags: string[]) {
    super(
      `${tags.length} database migration${tags.length === 1 ? " is" : "s are"} not applied ` +
        `(${tags.join(", ")}). Run \`npm run db:migrate\` before starting this version.`,
    );
    this.name = "MigrationsPendingError";
  }
}

type PostgresClient = postgres.Sql | postgres.TransactionSql;

function postgresConnection(client: PostgresClient): MigrationConnection {
  return {
    exec: async (script) => {
      await client.unsafe(script);
    },
    query: async <Row extends Record<string, unknown>>(text: string, params: unknown[] = []) => [
      ...(await client.unsafe<Row[]>(text, params as postgres.ParameterOrJSON<never>[])),
    ],
  };
}

/** Raw SQL on whichever postgres.js client is current (db/postgres-client.ts replaces it). */
function postgresSql(current: () => postgres.Sql): SqlExecutor {
  return {
    executeSql: async (text, values) => {
      const client = current();
      if (values && values.length > 0) {
        const params = values.map(toPostgresParameter);
        // Prepared: pg-boss sends the same few statements (large CTEs) again and again, so
        // each connection plans them once.
        return {
          rows: [
            ...(await client.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
              prepare: true,
            })),
          ],
        };
      }
      // A script may hold BEGIN … COMMIT, which postgres.js allows only on a reserved connection.
      const reserved = await client.reserve();
      try {
        const results: unknown = await reserved.unsafe(text).simple();
        return { rows: lastRows(results) };
      } catch (error) {
        // A script that failed inside its BEGIN … COMMIT leaves the connection in an aborted
        // transaction; it goes back to the pool only once that is ended.
        await reserved.unsafe("rollback").catch(() => undefined);
        throw error;
      } finally {
        reserved.release();
      }
    },
  };
}

/**
 * A value as pg (pg-boss's own driver) would send it: `undefined` as NULL, a Date as its ISO
 * time, an object as JSON. The drizzle driver makes postgres.js pass json and timestamp
 * parameters through as they are, so they must be text already.
 */
function toPostgresParameter(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    !Buffer.isBuffer(value)
  ) {
    return JSON.stringify(value);
  }
  return value;
}

/** The rows of a script's last statement: postgres.js answers one array per statement. */
function lastRows(results: unknown): Record<string, unknown>[] {
  if (!Array.isArray(results)) return [];
  const last: unknown = results.at(-1);
  return (Array.isArray(last) ? [...last] : [...results]) as Record<string, unknown>[];
}

function pgliteSql(client: PGlite): SqlExecutor {
  return {
    executeSql: async (text, values) => {
      if (values && values.length > 0) {
        return { rows: (await client.query<Record<string, unknown>>(text, values)).rows };
      }
      try {
        const results = await client.exec(text);
        return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
      } catch (error) {
        // A script that failed inside its BEGIN … COMMIT leaves PGlite's one session in an
        // aborted transaction, which would fail every later query of the app: end it.
        if (client.isInTransaction()) await client.exec("rollback");
        throw error;
      }
    },
  };
}

function postgresExecutor(client: postgres.Sql): MigrationExecutor {
  return {
    ...postgresConnection(client),
    transaction: async (work) => {
      await client.begin((tx) => work(postgresConnection(tx)));
    },
  };
}

type PgliteClient = Pick<PGlite, "exec" | "query">;

function pgliteConnection(client: PgliteClient): MigrationConnection {
  return {
    exec: async (script) => {
      await client.exec(script);
    },
    query: async <Row extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
      (await client.query<Row>(text, params)).rows,
  };
}

function pgliteExecutor(client: PGlite): MigrationExecutor {
  return {
    ...pgliteConnection(client),
    transaction: async (work) => {
      await client.transaction((tx) => work(pgliteConnection(tx)));
    },
  };
}

async function settleMigrations(
  executor: MigrationExecutor,
  migrationsFolder: string,
  migrate: boolean | "verify",
): Promise<void> {
  if (migrate === false) return;
  if (migrate === "verify") {
    const pending = await pendingMigrations(executor, migrationsFolder);
    if (pending.length > 0) throw new MigrationsPendingError(pending.map((m) => m.tag));
    return;
  }
  const applied = await applyMigrations(executor, migrationsFolder);
  if (applied.length > 0) log.info({ migrations: applied }, "migrations applied");
}

async function migratePostgresUnderLock<T>(
  url: string,
  work: (executor: MigrationExecutor) => Promise<T>,
): Promise<T> {
  // One connection, so the advisory lock and the migrations share a session.
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    const result = await work(postgresExecutor(client));
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    return result;
  } finally {
    await client.end({ timeout: 5 });
  }
}

async function openPostgres(url: string, migrationsFolder: string, migrate: boolean | "verify") {
  if (migrate === true) {
    await migratePostgresUnderLock(url, (executor) =>
      settleMigrations(executor, migrationsFolder, migrate),
    );
  }
  const client = openPostgresClient(url);
  if (migrate === "verify") {
    // Read-only, without the migration lock: a server starting while `db:migrate` builds an
    // index must not wait for it, but stop and say a migration is pending.
    await settleMigrations(postgresExecutor(client.current()), migrationsFolder, migrate).catch(
      async (error: unknown) => {
        await client.close();
        throw error;
      },
    );
  }
  const handle: DatabaseHandle = {
    db: client.db,
    kind: "postgres",
    location: describeUrl(url),
    sql: postgresSql(() => client.current()),
    applyMigrations: (folder = migrationsFolder) =>
      migratePostgresUnderLock(url, (executor) => applyMigrations(executor, folder)),
    close: () => client.close(),
  };
  return handle;
}

async function openPglite(
  dataDir: string | null,
  migrationsFolder: string,
  migrate: boolean | "verify",
) {
  const lock = dataDir === null ? null : acquirePgliteLock(dataDir);
  let client: PGlite | undefined;
  try {
    if (dataDir !== null) mkdirSync(dataDir, { recursive: true });
    client = dataDir === null ? new PGlite() : new PGlite(dataDir);
    await client.waitReady;
    const db = drizzlePglite(client, { schema });
    await settleMigrations(pgliteExecutor(client), migrationsFolder, migrate);
    const opened = client;
    const handle: DatabaseHandle = {
      db,
      kind: "pglite",
      location: dataDir === null ? "memory" : path.resolve(dataDir),
      sql: pgliteSql(opened),
      applyMigrations: (folder = migrationsFolder) =>
        applyMigrations(pgliteExecutor(opened), folder),
      close: async () => {
        await opened.close();
        lock?.release();
      },
    };
    return handle;
  } catch (error) {
    await client?.close().catch(() => undefined);
    lock?.release();
    throw error;
  }
}

/** Opens a database (and migrates it) for the given options. The caller closes it. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder();
  const migrate = options.migrate ?? true;
  const handle =
    "url" in options
      ? await openPostgres(options.url, migrationsFolder, migrate)
      : await openPglite("dataDir" in options ? options.dataDir : null, migrationsFolder, migrate);
  try {
    await settleJobSchema(handle, migrate);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  return handle;
}

/** The job engine's schema follows `migrate` as our migrations do (db/job-schema.ts). */
async function settleJobSchema(handle: DatabaseHandle, migrate: boolean | "verify") {
  if (migrate === true) await installJobSchema(handle.sql);
  if (migrate === "verify" && !(await jobSchemaIsCurrent(handle.sql))) {
    throw new MigrationsPendingError(["the job engine's schema (pg-boss)"]);
  }
}

/**
 * The options the configuration asks for: Postgres when DATABASE_URL is set, else PGlite;
 * migrations applied on open except in production, where they are only verified.
 */
export function configuredDatabase(): OpenDatabaseOptions {
  const config = env();
  const migrate = config.NODE_ENV === "production" ? "verify" : true;
  return config.DATABASE_URL
    ? { url: config.DATABASE_URL, migrate }
    : { dataDir: config.PGLITE_DIR, migrate };
}

const globalForDb = globalThis as typeof globalThis & {
  __tollgateDb?: Promise<DatabaseHandle>;
};

/**
 * The process-wide database, opened and migrated on first call. Kept on globalThis so that
 * every bundle of the app in this process (and every hot reload) shares one PGlite instance.
 * A failed open is not cached: the next call tries again.
 */
export function getDatabase(): Promise<DatabaseHandle> {
  if (!globalForDb.__tollgateDb) {
    if (process.env.NEXT_PHASE === "phase-production-build") {
      // A page that reads data without opting out of prerendering would open (and lock) the
      // database during `next build`; fail the build instead, naming the cause.
      return Promise.reject(
        new Error("The database was opened during `next build`; mark the page dynamic."),
      );
    }
    const opening = openDatabase(configuredDatabase()).then(
      (handle) => {
        log.info({ database: handle.kind, location: handle.location }, "database ready");
        return handle;
      },
      (error: unknown) => {
        globalForDb.__tollgateDb = undefined;
        throw error;
      },
    );
    globalForDb.__tollgateDb = opening;
  }
  return globalForDb.__tollgateDb;
}

export async function getDb(): Promise<Database> {
  return (await getDatabase()).db;
}

/** Makes `handle` the process-wide database: tests hand the app a database of their own. */
export function provideDatabase(handle: DatabaseHandle): void {
  globalForDb.__tollgateDb = Promise.resolve(handle);
}

/** Closes the process-wide database, if open (scripts call this before exiting). */
export async function closeDb(): Promise<void> {
  const opening = globalForDb.__tollgateDb;
  globalForDb.__tollgateDb = undefined;
  if (opening) await (await opening).close();
}

/**
 * Runs raw SQL and returns its rows on either driver (postgres.js answers an array, PGlite an
 * object with `rows`). For the rare query the query builder cannot express.
 */
export async function selectRows<Row extends Record<string, unknown>>(
  db: Database,
  query: SQL,
): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as Row[];
  if (result && typeof result === "object" && "rows" in result && Array.isArray(result.rows)) {
    return result.rows as Row[];
  }
  throw new Error("unexpected result shape from db.execute");
}

export { schema };
