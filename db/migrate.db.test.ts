import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as drizzlePgliteMigrate } from "drizzle-orm/pglite/migrator";
import { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { migrate as drizzlePostgresMigrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterEach, describe, expect, it } from "vitest";
import { authenticateApiKey, hashApiKey } from "@/lib/auth/api-keys";
import { personalSlug } from "@/lib/workspaces/slug";
import {
  type DatabaseHandle,
  MIGRATION_LOCK_KEY,
  MigrationsPendingError,
  openDatabase,
  selectRows,
} from "./index";
import { migrationSteps, readMigrations } from "./migrate";
import { createTestDatabase } from "./testing";

const DRIZZLE = path.join(process.cwd(), "drizzle");

interface JournalEntry {
  idx: number;
  version: string;
  when: number;
  tag: string;
  breakpoints: boolean;
}

function journal(): JournalEntry[] {
  return (
    JSON.parse(readFileSync(path.join(DRIZZLE, "meta", "_journal.json"), "utf8")) as {
      entries: JournalEntry[];
    }
  ).entries;
}

/**
 * A migrations folder holding the first `count` of the project's migrations, then `extra`
 * migrations of the test's own (tag → SQL), in that order.
 */
function migrationsFolder(count: number, extra: Record<string, string> = {}): string {
  const folder = mkdtempSync(path.join(tmpdir(), "tollgate-migrations-"));
  mkdirSync(path.join(folder, "meta"));
  const entries = journal().slice(0, count);
  for (const entry of entries) {
    copyFileSync(path.join(DRIZZLE, `${entry.tag}.sql`), path.join(folder, `${entry.tag}.sql`));
  }
  let when = (entries.at(-1)?.when ?? 0) + 1;
  for (const [tag, text] of Object.entries(extra)) {
    writeFileSync(path.join(folder, `${tag}.sql`), text);
    entries.push({ idx: entries.length, version: "7", when, tag, breakpoints: true });
    when += 1;
  }
  writeFileSync(
    path.join(folder, "meta", "_journal.json"),
    JSON.stringify({ version: "7", dialect: "postgresql", entries }),
  );
  return folder;
}

let handle: DatabaseHandle | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

async function emptyDatabase(): Promise<DatabaseHandle> {
  handle = await createTestDatabase({ migrate: false });
  return handle;
}

async function rows(db: DatabaseHandle["db"], table: string): Promise<Record<string, unknown>[]> {
  return selectRows(db, sql.raw(`select * from "${table}" order by 1`));
}

/** A key made before workspaces existed. */
const OLD_API_KEY = `tg_abcdefgh_${"k".repeat(32)}`;

/** Rows in every table the schema had before workspaces, one or more each. */
async function fillPreviousSchema(db: DatabaseHandle["db"]): Promise<void> {
  const script = `
    insert into "user" (id, name, email, "emailVerified", role, password_hash, session_version, created_at) values
      ('u1', 'Ada', 'ada@example.com', '2026-11-01T00:00:00Z', 'admin', 'scrypt$x', 2, '2026-10-01T00:00:00Z'),
      ('u2', null, 'bob@example.com', null, 'user', null, 0, '2026-10-02T00:00:00Z');
    insert into account ("userId", type, provider, "providerAccountId", access_token) values
      ('u1', 'oauth', 'github', '42', 'gho_x');
    insert into session ("sessionToken", "userId", expires) values ('st', 'u2', '2027-01-01T00:00:00Z');
    insert into "verificationToken" (identifier, token, expires) values ('bob@example.com', 'h', '2027-01-01T00:00:00Z');
    insert into customers (id, user_id, stripe_customer_id, email, created_at, updated_at) values
      ('00000000-0000-4000-8000-000000000001', 'u1', 'cus_1', 'ada@example.com', '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z');
    insert into subscriptions (id, user_id, stripe_subscription_id, stripe_customer_id, stripe_price_id,
        price_lookup_key, plan_tier, billing_period, status, quantity, current_period_start,
        current_period_end, cancel_at_period_end, metered_price_id, kept_plan_lookup_key,
        kept_plan_until, payment_failed_at, cancel_requested_by, metered_item_restored_at,
        stripe_version, created_at, updated_at) values
      ('00000000-0000-4000-8000-000000000002', 'u1', 'sub_1', 'cus_1', 'price_1', 'pro_monthly',
        'pro', 'monthly', 'past_due', 1, '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', true,
        'price_m', 'enterprise_monthly', '2026-12-01T00:00:00Z', '2026-11-20T00:00:00Z', 'admin',
        '2026-11-21T00:00:00Z', 1234, '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z');
    insert into invoices (id, stripe_invoice_id, stripe_customer_id, user_id, stripe_subscription_id,
        plan_tier, customer_email, number, status, currency, amount_due, amount_paid,
        amount_remaining, subtotal, total, billing_reason, created, stripe_version, updated_at) values
      ('00000000-0000-4000-8000-000000000003', 'in_1', 'cus_1', 'u1', 'sub_1', 'pro',
        'ada@example.com', 'A-0001', 'paid', 'usd', 2900, 2900, 0, 2900, 2900,
        'subscription_create', '2026-11-01T00:00:00Z', 5, '2026-11-01T00:00:00Z'),
      ('00000000-0000-4000-8000-000000000004', 'in_2', 'cus_9', null, null, null, null, null,
        'open', 'eur', 100, 0, 100, -50, -50, null, '2026-11-02T00:00:00Z', 0, '2026-11-02T00:00:00Z');
    insert into usage_records (id, user_id, metric, quantity, occurred_at, idempotency_key,
        report_status, stripe_customer_id, report_attempts, next_report_at, last_report_error,
        created_at) values
      ('00000000-0000-4000-8000-000000000005', 'u1', 'api_calls', 7, '2026-11-05T00:00:00Z', 'k1',
        'pending', 'cus_1', 2, '2026-11-05T00:01:00Z', 'boom', '2026-11-05T00:00:00Z'),
      ('00000000-0000-4000-8000-000000000006', 'u2', 'storage_bytes', 0, '2026-11-05T00:00:00Z',
        null, 'skip', null, 0, null, null, '2026-11-05T00:00:00Z');
    insert into webhook_events (id, type, api_version, livemode, created, received_at, processed_at,
        status, attempts, last_error, stripe_customer_id, object_id, payload) values
      ('evt_1', 'invoice.paid', '2026-10-28.endive', false, '2026-11-01T00:00:00Z',
        '2026-11-01T00:00:01Z', '2026-11-01T00:00:02Z', 'processed', 1, null, 'cus_1', 'in_1',
        '{"id":"evt_1"}'),
      ('evt_2', 'customer.updated', null, false, '2026-11-01T00:00:00Z', '2026-11-01T00:00:01Z',
        null, 'failed', 3, 'timeout', 'cus_1', 'cus_1', '{"id":"evt_2"}');
    insert into api_keys (id, user_id, name, prefix, key_hash, created_at) values
      ('00000000-0000-4000-8000-000000000007', 'u1', 'ci', 'tg_abcdefgh', '${hashApiKey(OLD_API_KEY)}', '2026-11-01T00:00:00Z');
    insert into rate_limits (key, window_start, count) values ('sign-in:ip:1.2.3.4', '2026-11-01T00:00:00Z', 3);
    insert into leases (name, holder, acquired_at, expires_at) values
      ('reconcile', 'h1', '2026-11-01T00:00:00Z', '2026-11-01T00:05:00Z');
  `;
  // One statement per call: PGlite's parameterised protocol takes no multi-statement scripts.
  for (const statement of script.split(/;\s*\n/).filter((s) => s.trim())) {
    await db.execute(sql.raw(statement));
  }
}

const TABLES = [
  "user",
  "account",
  "session",
  "verificationToken",
  "customers",
  "subscriptions",
  "invoices",
  "usage_records",
  "webhook_events",
  "api_keys",
  "rate_limits",
  "leases",
];

/** The first migration of the move of billing from users to workspaces (issue 15). */
const WORKSPACES_MIGRATION = "0008_workspaces";

/** Tables whose rows moved from a user to that user's personal workspace. */
const MOVED_TO_WORKSPACE = ["customers", "subscriptions", "invoices", "usage_records", "api_keys"];

// Migrating a fresh PGlite database takes up to half a minute on a loaded machine.
describe("migrations", { timeout: 120_000 }, () => {
  it("move every user's billing to a personal workspace without losing a row or a value", async () => {
    const { db, applyMigrations } = await emptyDatabase();
    const before = journal().findIndex((entry) => entry.tag === WORKSPACES_MIGRATION);
    expect(before).toBeGreaterThan(0);
    await applyMigrations(migrationsFolder(before));
    await fillPreviousSchema(db);
    const rowsBefore = Object.fromEntries(
      await Promise.all(TABLES.map(async (table) => [table, await rows(db, table)] as const)),
    );

    const applied = await applyMigrations();
    expect(applied).toEqual(
      journal()
        .slice(before)
        .map((entry) => entry.tag),
    );

    // Every user has a personal workspace they own, and nothing else was made.
    const workspaces = await selectRows<{
      id: string;
      slug: string;
      personal_user_id: string;
      role: string;
      member: string;
    }>(
      db,
      sql`select w.id, w.slug, w.personal_user_id, m.role, m.user_id as member
          from workspaces w join workspace_members m on m.workspace_id = w.id order by w.slug`,
    );
    expect(workspaces).toHaveLength(2);
    const personal = new Map(workspaces.map((w) => [w.personal_user_id, w]));
    for (const userId of ["u1", "u2"]) {
      const workspace = personal.get(userId);
      expect(workspace?.role, userId).toBe("owner");
      expect(workspace?.member, userId).toBe(userId);
      expect(workspace?.slug, userId).toBe(personalSlug(userId));
    }

    for (const table of TABLES) {
      const after = await rows(db, table);
      expect(after, table).toHaveLength(rowsBefore[table]?.length ?? -1);
      after.forEach((row, index) => {
        const old = rowsBefore[table]?.[index] ?? {};
        if (!MOVED_TO_WORKSPACE.includes(table)) {
          expect(row, table).toMatchObject(old);
          return;
        }
        // The row keeps every value it had; its user became that user's personal workspace.
        const { user_id: userId, ...kept } = old;
        expect(row, table).toMatchObject(kept);
        const owner = typeof userId === "string" ? personal.get(userId)?.id : undefined;
        expect(row.workspace_id ?? null, `${table} ${String(old.id)}`).toBe(owner ?? null);
        // API keys keep their creator.
        if (table === "api_keys") expect(row.user_id).toBe(userId);
      });
    }

    // The existing key still works, and acts on the personal workspace.
    const key = await authenticateApiKey(db, OLD_API_KEY);
    expect(key).toMatchObject({ user: { id: "u1" }, workspaceId: personal.get("u1")?.id });
    // The invoice of a customer nobody was linked to stays unlinked.
    const [orphan] = await selectRows<{ workspace_id: string | null }>(
      db,
      sql`select workspace_id from invoices where stripe_invoice_id = 'in_2'`,
    );
    expect(orphan?.workspace_id).toBeNull();
  });

  it("carry on from a database migrated by drizzle's own migrator", async () => {
    const { db, applyMigrations } = await emptyDatabase();
    const count = journal().length;
    const previous = migrationsFolder(count - 1);
    const recordedCount = async () =>
      (
        await selectRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
        )
      )[0]?.n;
    if (db instanceof PgliteDatabase)
      await drizzlePgliteMigrate(db, { migrationsFolder: previous });
    else if (db instanceof PostgresJsDatabase) {
      await drizzlePostgresMigrate(db, { migrationsFolder: previous });
    } else throw new Error("unknown driver");

    expect(await applyMigrations()).toEqual([journal().at(-1)?.tag]);
    expect(await applyMigrations()).toEqual([]);
    expect(await recordedCount()).toBe(count);
  });

  it("build indexes concurrently and validate constraints outside the transaction that added them", async () => {
    const { db, applyMigrations } = await emptyDatabase();
    const folder = migrationsFolder(0, {
      "0000_table": `CREATE TABLE "things" ("n" integer NOT NULL);--> statement-breakpoint
INSERT INTO "things" VALUES (1), (2), (3);`,
      "0001_online": `ALTER TABLE "things" ADD COLUMN "m" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "things" ADD CONSTRAINT "things_n_check" CHECK ("things"."n" > 0) NOT VALID;
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "things_n_idx" ON "things" USING btree ("n");
--> statement-breakpoint
ALTER TABLE "things" VALIDATE CONSTRAINT "things_n_check";`,
    });
    expect(await applyMigrations(folder)).toEqual(["0000_table", "0001_online"]);

    const [index] = await selectRows<{ valid: boolean }>(
      db,
      sql`select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
          where c.relname = 'things_n_idx'`,
    );
    expect(index?.valid).toBe(true);
    const [constraint] = await selectRows<{ validated: boolean }>(
      db,
      sql`select convalidated as validated from pg_constraint where conname = 'things_n_check'`,
    );
    expect(constraint?.validated).toBe(true);
    expect(await applyMigrations(folder)).toEqual([]);
  });

  it("resume an interrupted online migration at the first step not done", async () => {
    const { db, applyMigrations } = await emptyDatabase();
    const steps = {
      "0000_table": `CREATE TABLE "things" ("n" integer NOT NULL);--> statement-breakpoint
INSERT INTO "things" VALUES (1), (-1);`,
      "0001_online": `ALTER TABLE "things" ADD COLUMN "m" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "things" ADD CONSTRAINT "things_n_check" CHECK ("things"."n" > 0) NOT VALID;
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "things_m_idx" ON "things" USING btree ("m");
--> statement-breakpoint
ALTER TABLE "things" VALIDATE CONSTRAINT "things_n_check";`,
    };
    const folder = migrationsFolder(0, steps);
    // The row n = -1 fails the validation: the steps before it are done and recorded.
    await expect(applyMigrations(folder)).rejects.toThrow();
    const done = await selectRows<{ step: number }>(
      db,
      sql`select step from drizzle.__tollgate_migration_steps order by step`,
    );
    expect(done.map((row) => row.step)).toEqual([0, 1]);

    await db.execute(sql`update things set n = 1 where n < 0`);
    // Adding the column again would fail: a resumed run must skip the steps already done.
    expect(await applyMigrations(folder)).toEqual(["0001_online"]);
    const left = await selectRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from drizzle.__tollgate_migration_steps`,
    );
    expect(left[0]?.n).toBe(0);
  });

  it("group the statements between online ones into one step each", () => {
    const steps = migrationSteps([
      "ALTER TABLE a ADD COLUMN b int;",
      "ALTER TABLE a ADD COLUMN c int;",
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "i" ON a (b);',
      "ALTER TABLE a VALIDATE CONSTRAINT k;",
      "ALTER TABLE a DROP COLUMN c;",
    ]);
    expect(steps.map((step) => [step.online, step.sql.length])).toEqual([
      [false, 2],
      [true, 1],
      [true, 1],
      [false, 1],
    ]);
  });

  it("that drizzle-kit wrote for this project have no index built or constraint checked under a long lock", () => {
    // From the migration that introduced online migrations on: every index on an existing
    // table is built CONCURRENTLY and every constraint added to one is NOT VALID.
    const online = readMigrations(DRIZZLE).filter((m) => m.tag >= "0006");
    expect(online.length).toBeGreaterThan(0);
    for (const migration of online) {
      const created = migration.statements.flatMap(
        (s) => /create table "([^"]+)"/i.exec(s)?.slice(1) ?? [],
      );
      for (const statement of migration.statements) {
        const index = /create (?:unique )?index (?!concurrently)"[^"]+" on "([^"]+)"/i.exec(
          statement,
        );
        if (index) expect(created, statement).toContain(index[1]);
        const constraint =
          /alter table "([^"]+)" add constraint "[^"]+" (?:check|foreign key)/i.exec(statement);
        if (constraint && !created.includes(constraint[1] ?? "")) {
          expect(statement, migration.tag).toMatch(/not valid;?$/i);
        }
      }
    }
  });
});

// A production server only verifies: these open a PGlite directory twice, whatever DATABASE_URL.
describe("a production database open", { timeout: 120_000 }, () => {
  it("refuses a database with migrations not applied, naming them, and opens it once they are", async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "tollgate-verify-")), "pglite");
    const count = journal().length;
    const old = await openDatabase({ dataDir, migrationsFolder: migrationsFolder(count - 2) });
    await old.close();

    const refused = openDatabase({ dataDir, migrate: "verify" });
    await expect(refused).rejects.toBeInstanceOf(MigrationsPendingError);
    await expect(refused).rejects.toThrow(
      new RegExp(
        `2 database migrations are not applied \\(${journal().at(-2)?.tag}, ${journal().at(-1)?.tag}\\)`,
      ),
    );
    await expect(refused).rejects.toThrow(/npm run db:migrate/);

    const deploy = await openDatabase({ dataDir });
    await deploy.close();
    const server = await openDatabase({ dataDir, migrate: "verify" });
    await server.close();
  });
});

describe.runIf(process.env.DATABASE_URL)("a production open of a Postgres database", () => {
  it("does not wait for a migration in progress: it refuses at once, naming what is pending", async () => {
    const { applyMigrations, location } = await emptyDatabase();
    await applyMigrations(migrationsFolder(journal().length - 1));
    // `db:migrate` in another process, holding the migration lock.
    const migrator = postgres(location, { max: 1, onnotice: () => {} });
    try {
      await migrator`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
      const started = Date.now();
      await expect(openDatabase({ url: location, migrate: "verify" })).rejects.toBeInstanceOf(
        MigrationsPendingError,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await migrator.end({ timeout: 5 });
    }
  });
});
