import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/db/testing";

// The route reads the configured database: a fresh one per run (a Postgres database when
// DATABASE_URL names a server, else PGlite in a temporary directory).
const testDb = process.env.DATABASE_URL ? await createTestDatabase() : null;
if (testDb) process.env.DATABASE_URL = testDb.location;
else
  process.env.PGLITE_DIR = path.join(
    mkdtempSync(path.join(tmpdir(), "tollgate-health-")),
    "pglite",
  );

afterAll(async () => {
  const { closeDb } = await import("@/db");
  await closeDb();
  await testDb?.close();
});

// Imported after the environment is set: the configuration is read once, on first use.
const { GET } = await import("./route");

describe("GET /api/health", () => {
  it("answers 200 when the database answers", async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ status: "ok", database: { status: "up" } });
  });
});
