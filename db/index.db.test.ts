import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./index";
import { PgliteLockedError } from "./pglite-lock";
import { users } from "./schema";

// These tests are about the embedded path itself, so they use PGlite whatever DATABASE_URL says.
// Each migrates a fresh PGlite, some two: on a loaded machine that takes more than the default.
describe("embedded database (PGlite)", { timeout: 120_000 }, () => {
  const root = mkdtempSync(path.join(tmpdir(), "tollgate-db-"));

  it("creates its folder, migrates on first open and keeps data across reopening", async () => {
    const dataDir = path.join(root, "a", ".data", "pglite");
    const first = await openDatabase({ dataDir });
    expect(existsSync(dataDir)).toBe(true);
    await first.db.insert(users).values({ email: "kept@example.com" });
    await first.close();

    const second = await openDatabase({ dataDir });
    try {
      const found = await second.db.select().from(users).where(eq(users.email, "kept@example.com"));
      expect(found).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it("starts empty again after its folder is deleted", async () => {
    const dataDir = path.join(root, "b");
    const first = await openDatabase({ dataDir });
    await first.db.insert(users).values({ email: "gone@example.com" });
    await first.close();
    rmSync(dataDir, { recursive: true });

    const second = await openDatabase({ dataDir });
    try {
      expect(await second.db.$count(users)).toBe(0);
    } finally {
      await second.close();
    }
  });

  it("refuses a second open of a directory that is in use, and frees it on close", async () => {
    const dataDir = path.join(root, "c");
    const first = await openDatabase({ dataDir });
    await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(PgliteLockedError);
    await first.close();
    const again = await openDatabase({ dataDir });
    await again.close();
  });
});
