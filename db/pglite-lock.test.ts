import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  acquirePgliteLock,
  lockFileFor,
  type PgliteLock,
  PgliteLockedError,
  pgliteLockOwner,
} from "./pglite-lock";

const held: PgliteLock[] = [];
afterEach(() => {
  for (const lock of held.splice(0)) lock.release();
});

function freshDir() {
  return path.join(mkdtempSync(path.join(tmpdir(), "tollgate-lock-")), "nested", "pglite");
}

/** Starts a process that takes the lock and holds it until killed; resolves once it holds it. */
async function holdInChild(dataDir: string) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      `import("./db/pglite-lock.ts").then(m => { m.acquirePgliteLock(${JSON.stringify(dataDir)}); console.log("locked"); setInterval(() => {}, 1000); })`,
    ],
    { cwd: path.resolve(import.meta.dirname, ".."), stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("locked") && resolve());
    child.on("exit", (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return child;
}

describe("PGlite directory lock", () => {
  it("creates the parent folders and records this process as the owner", () => {
    const dir = freshDir();
    const lock = acquirePgliteLock(dir);
    held.push(lock);
    expect(existsSync(lockFileFor(dir))).toBe(true);
    expect(pgliteLockOwner(dir)).toBe(process.pid);
  });

  it("refuses a second open in the same process", () => {
    const dir = freshDir();
    held.push(acquirePgliteLock(dir));
    expect(() => acquirePgliteLock(dir)).toThrow(PgliteLockedError);
  });

  it("refuses another process with a message naming the owner and the way out", async () => {
    const dir = freshDir();
    const child = await holdInChild(dir);
    try {
      expect(() => acquirePgliteLock(dir)).toThrowError(
        new RegExp(
          `already open in process ${child.pid}.*one process per data directory.*PGLITE_DIR.*DATABASE_URL`,
        ),
      );
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);

  it("takes over a lock whose owner has died", () => {
    const dir = freshDir();
    acquirePgliteLock(dir).release();
    // A pid that cannot be alive: above the kernel's pid_max.
    writeFileSync(lockFileFor(dir), "4194305");
    const lock = acquirePgliteLock(dir);
    held.push(lock);
    expect(pgliteLockOwner(dir)).toBe(process.pid);
  });

  it("frees the directory on release", () => {
    const dir = freshDir();
    acquirePgliteLock(dir).release();
    expect(pgliteLockOwner(dir)).toBeNull();
    held.push(acquirePgliteLock(dir));
  });
});
