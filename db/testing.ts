/**
 * Databases for tests. Each call gets a database of its own, migrated and empty: on the
 * Postgres server named by DATABASE_URL when it is set (a new database, dropped on close),
 * otherwise an in-memory PGlite. The same tests run on both paths.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll } from "vitest";
import {
  type Database,
  type DatabaseHandle,
  type OpenDatabaseOptions,
  openDatabase,
  provideDatabase,
} from "./index";

/** `migrate: false` gives an empty database, for tests of the migrations themselves. */
export async function createTestDatabase(
  options: Pick<OpenDatabaseOptions, "migrate" | "migrationsFolder"> = {},
): Promise<DatabaseHandle> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return openDatabase({ memory: true, ...options });

  const name = `tollgate_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), ...options });
  return {
    ...handle,
    location: url.toString(),
    close: async () => {
      await handle.close();
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await dropper.end({ timeout: 5 });
      }
    },
  };
}

/**
 * For a test file whose code under test reads the process-wide database: a database of the
 * file's own, created before its tests, handed to the app (`provideDatabase`) and closed after.
 * Read `db` inside a test or hook.
 */
export function useAppDatabase(): { readonly db: Database } {
  let handle: DatabaseHandle | null = null;
  beforeAll(async () => {
    handle = await createTestDatabase();
    provideDatabase(handle);
  });
  afterAll(async () => {
    await handle?.close();
  });
  return {
    get db() {
      if (!handle) throw new Error("the test database is not open: read it inside a test or hook");
      return handle.db;
    },
  };
}
