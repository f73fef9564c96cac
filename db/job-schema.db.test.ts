import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, MigrationsPendingError, openDatabase } from "./index";
import { installJobSchema, jobSchemaIsCurrent } from "./job-schema";
import { createTestDatabase } from "./testing";

describe("the job engine's schema", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    // Our migrations only: a database migrated by a version before the job engine.
    handle = await createTestDatabase({ migrate: false });
    await handle.applyMigrations();
  });
  afterAll(async () => {
    await handle.close();
  });

  it("is missing until installed, then current; installing again changes nothing", async () => {
    expect(await jobSchemaIsCurrent(handle.sql)).toBe(false);
    await Promise.all([installJobSchema(handle.sql), installJobSchema(handle.sql)]);
    expect(await jobSchemaIsCurrent(handle.sql)).toBe(true);
    const { rows } = await handle.sql.executeSql("select count(*)::int as n from pgboss.version");
    expect(rows).toEqual([{ n: 1 }]);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    "stops a production server (migrations verified) while it is missing, naming it",
    async () => {
      const empty = await createTestDatabase({ migrate: false });
      try {
        await empty.applyMigrations();
        const refused = await openDatabase({ url: empty.location, migrate: "verify" }).catch(
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(MigrationsPendingError);
        expect((refused as Error).message).toContain("pg-boss");
        await installJobSchema(empty.sql);
        const opened = await openDatabase({ url: empty.location, migrate: "verify" });
        await opened.close();
      } finally {
        await empty.close();
      }
    },
  );
});
