/**
 * The benchmark's database: DATABASE_URL when set (used as it is, never dropped), else a new
 * database `tollgate_bench_<pid>` on the local Postgres server, else a PGlite data directory in
 * a temporary folder. Migrated with the app's own migrations (db/index.ts `openDatabase`).
 *
 * The app's queries go through a drizzle instance that reports each statement it sends, so the
 * benchmark can send the very same text and parameters through the same driver connection
 * without the app around it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { type Database, openDatabase, schema } from "../../db";

export const LOCAL_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface Statement {
  text: string;
  params: unknown[];
}

export interface BenchDatabase {
  readonly kind: "postgres" | "pglite";
  readonly location: string;
  /** True when this run created the database (and so may drop it). */
  readonly created: boolean;
  /** The app's database handle; every statement it sends is passed to `onStatement`. */
  readonly db: Database;
  onStatement: ((statement: Statement) => void) | null;
  /** Sends a statement as drizzle does (unprepared, rows as arrays) and waits for its rows. */
  bare(statement: Statement): Promise<unknown[]>;
  /** Rows of a set-up or inspection query, as objects. */
  rows<Row>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Closes the connection, then drops what this run created unless `keep`. */
  close(keep: boolean): Promise<void>;
}

async function createServerDatabase(): Promise<string | null> {
  const admin = postgres(LOCAL_SERVER_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    const name = `tollgate_bench_${process.pid}`;
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(LOCAL_SERVER_URL);
    url.pathname = `/${name}`;
    return url.toString();
  } catch (error) {
    process.stderr.write(`No local Postgres (${(error as Error).message}); using PGlite.\n`);
    return null;
  } finally {
    await admin.end({ timeout: 2 });
  }
}

async function dropServerDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^tollgate_bench_\d+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  const admin = postgres(LOCAL_SERVER_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end({ timeout: 2 });
  }
}

function openPostgresBench(url: string, created: boolean): BenchDatabase {
  // One connection: the app and the bare statements meet the same backend and caches.
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const bench: BenchDatabase = {
    kind: "postgres",
    location: `${new URL(url).host}${new URL(url).pathname}`,
    created,
    onStatement: null,
    db: drizzlePostgres(client, {
      schema,
      logger: { logQuery: (text, params) => bench.onStatement?.({ text, params }) },
    }),
    bare: async ({ text, params }) =>
      client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: false }).values(),
    rows: async <Row>(text: string, params: unknown[] = []) =>
      (await client.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as Row[],
    close: async (keep) => {
      await client.end({ timeout: 5 });
      if (created && !keep) await dropServerDatabase(url);
    },
  };
  return bench;
}

async function openPgliteBench(dataDir: string): Promise<BenchDatabase> {
  const client = new PGlite(dataDir);
  await client.waitReady;
  const bench: BenchDatabase = {
    kind: "pglite",
    location: dataDir,
    created: true,
    onStatement: null,
    db: drizzlePglite(client, {
      schema,
      logger: { logQuery: (text, params) => bench.onStatement?.({ text, params }) },
    }),
    bare: async ({ text, params }) =>
      (await client.query<unknown[]>(text, params, { rowMode: "array" })).rows,
    rows: async <Row>(text: string, params: unknown[] = []) =>
      (await client.query<Row>(text, params)).rows,
    close: async (keep) => {
      await client.close();
      if (!keep) rmSync(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
  return bench;
}

/** Opens (creating when needed) and migrates the benchmark's database. */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const configured = process.env.DATABASE_URL;
  const url = configured || (await createServerDatabase());
  if (url) {
    await (await openDatabase({ url })).close();
    return openPostgresBench(url, !configured);
  }
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "tollgate-bench-")), "pglite");
  await (await openDatabase({ dataDir })).close();
  return openPgliteBench(dataDir);
}
