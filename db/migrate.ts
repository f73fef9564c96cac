/**
 * Applies the migrations in drizzle/ in journal order, recording each in drizzle's own table
 * (`drizzle.__drizzle_migrations`: hash, created_at = the journal's `when`), so databases
 * migrated by drizzle's migrator before carry on where they stopped.
 *
 * Unlike drizzle's migrator, which runs every pending migration in one transaction, a migration
 * holding an online statement — `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`,
 * `VALIDATE CONSTRAINT` — runs in steps: each online statement alone outside a transaction
 * (Postgres refuses CONCURRENTLY inside one, and VALIDATE must not hold the lock ADD CONSTRAINT
 * took), the statements between them grouped in one transaction each. A step is recorded as
 * done in `drizzle.__tollgate_migration_steps` as it completes, so a migration interrupted half
 * way resumes at the first step not done; an index a failed CONCURRENTLY build left invalid is
 * dropped before it is built again. Migrations without online statements run in one
 * transaction each, all or nothing.
 *
 * Contract: idempotent (a second run applies nothing); not safe to run twice at the same time on
 * one database — db/index.ts holds an advisory lock around it on Postgres, and PGlite has one
 * process per directory.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

/** What the runner needs of a database connection; db/index.ts adapts both drivers. */
export interface MigrationConnection {
  /** Runs a script of one or more statements, outside any transaction unless inside one. */
  exec(script: string): Promise<void>;
  query<Row extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
}

export interface MigrationExecutor extends MigrationConnection {
  transaction(work: (tx: MigrationConnection) => Promise<void>): Promise<void>;
}

export interface Migration {
  /** The journal's tag, e.g. `0006_security_hardening`. */
  tag: string;
  /** The journal's `when`: the migration's place in order, as drizzle records it. */
  createdAt: number;
  hash: string;
  statements: string[];
}

interface JournalEntry {
  tag: string;
  when: number;
}

const BREAKPOINT = "--> statement-breakpoint";
const ONLINE_STATEMENT =
  /\b(?:(?:create|drop)\s+(?:unique\s+)?index\s+concurrently|validate\s+constraint)\b/i;
const CONCURRENT_INDEX_NAME =
  /\bcreate\s+(?:unique\s+)?index\s+concurrently\s+(?:if\s+not\s+exists\s+)?"?([\w$]+)"?/i;

/** Whether the statement must run alone, outside a transaction. */
export function isOnlineStatement(statement: string): boolean {
  return ONLINE_STATEMENT.test(statement);
}

/** The migrations of a drizzle-kit folder, in journal order. */
export function readMigrations(folder: string): Migration[] {
  const journal = JSON.parse(readFileSync(path.join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: JournalEntry[];
  };
  return journal.entries.map((entry) => {
    const text = readFileSync(path.join(folder, `${entry.tag}.sql`), "utf8");
    return {
      tag: entry.tag,
      createdAt: entry.when,
      hash: createHash("sha256").update(text).digest("hex"),
      statements: text
        .split(BREAKPOINT)
        .map((statement) => statement.trim())
        .filter((statement) => statement.length > 0),
    };
  });
}

/** Statements grouped into steps: an online statement alone, the others between them together. */
export function migrationSteps(
  statements: readonly string[],
): { online: boolean; sql: string[] }[] {
  const steps: { online: boolean; sql: string[] }[] = [];
  for (const statement of statements) {
    const online = isOnlineStatement(statement);
    const last = steps.at(-1);
    if (!online && last && !last.online) last.sql.push(statement);
    else steps.push({ online, sql: [statement] });
  }
  return steps;
}

const MIGRATIONS_TABLE = `"drizzle"."__drizzle_migrations"`;
const STEPS_TABLE = `"drizzle"."__tollgate_migration_steps"`;

async function ensureBookkeeping(db: MigrationConnection): Promise<void> {
  await db.exec(`create schema if not exists "drizzle";
    create table if not exists ${MIGRATIONS_TABLE} (id serial primary key, hash text not null, created_at bigint);
    create table if not exists ${STEPS_TABLE} (hash text not null, step integer not null, primary key (hash, step));`);
}

async function lastAppliedAt(db: MigrationConnection): Promise<number | null> {
  const exists = await db.query<{ present: boolean }>(
    `select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!exists[0]?.present) return null;
  const [row] = await db.query<{ created_at: string | number | null }>(
    `select created_at from ${MIGRATIONS_TABLE} order by created_at desc limit 1`,
  );
  return row?.created_at === null || row?.created_at === undefined ? null : Number(row.created_at);
}

/** The migrations of `folder` the database has not applied yet, in order. Changes nothing. */
export async function pendingMigrations(
  db: MigrationConnection,
  folder: string,
): Promise<Migration[]> {
  const last = await lastAppliedAt(db);
  return readMigrations(folder).filter((migration) => last === null || migration.createdAt > last);
}

async function recordApplied(tx: MigrationConnection, migration: Migration): Promise<void> {
  await tx.query(`insert into ${MIGRATIONS_TABLE} (hash, created_at) values ($1, $2)`, [
    migration.hash,
    migration.createdAt,
  ]);
  await tx.query(`delete from ${STEPS_TABLE} where hash = $1`, [migration.hash]);
}

/** Drops an index a failed `CREATE INDEX CONCURRENTLY` left behind invalid, so it can be built again. */
async function dropInvalidIndex(db: MigrationExecutor, statement: string): Promise<void> {
  const name = CONCURRENT_INDEX_NAME.exec(statement)?.[1];
  if (!name) return;
  const [invalid] = await db.query<{ name: string }>(
    `select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
     where c.relname = $1 and not i.indisvalid`,
    [name],
  );
  if (invalid) await db.exec(`drop index concurrently if exists "${invalid.name}"`);
}

async function applyInSteps(db: MigrationExecutor, migration: Migration): Promise<void> {
  const done = new Set(
    (
      await db.query<{ step: number }>(`select step from ${STEPS_TABLE} where hash = $1`, [
        migration.hash,
      ])
    ).map((row) => Number(row.step)),
  );
  const markDone = (tx: MigrationConnection, step: number) =>
    tx.query(`insert into ${STEPS_TABLE} (hash, step) values ($1, $2) on conflict do nothing`, [
      migration.hash,
      step,
    ]);
  for (const [index, step] of migrationSteps(migration.statements).entries()) {
    if (done.has(index)) continue;
    if (step.online) {
      const [statement = ""] = step.sql;
      await dropInvalidIndex(db, statement);
      await db.exec(statement);
      await markDone(db, index);
    } else {
      await db.transaction(async (tx) => {
        for (const statement of step.sql) await tx.exec(statement);
        await markDone(tx, index);
      });
    }
  }
  await db.transaction((tx) => recordApplied(tx, migration));
}

/** Applies every pending migration of `folder`; returns the tags applied, in order. */
export async function applyMigrations(db: MigrationExecutor, folder: string): Promise<string[]> {
  await ensureBookkeeping(db);
  const applied: string[] = [];
  for (const migration of await pendingMigrations(db, folder)) {
    if (migration.statements.some(isOnlineStatement)) {
      await applyInSteps(db, migration);
    } else {
      await db.transaction(async (tx) => {
        for (const statement of migration.statements) await tx.exec(statement);
        await recordApplied(tx, migration);
      });
    }
    applied.push(migration.tag);
  }
  return applied;
}
