/**
 * An exclusive, process-level lock on a PGlite data directory.
 *
 * PGlite has no server: two processes opening one directory each believe they own it and
 * silently overwrite each other's pages. The lock is a file created with O_EXCL holding the
 * owner's pid, published with link(2) so no other process ever sees it half-written. A lock whose owner is no longer alive (a crash, a kill -9) is taken over; a lock
 * held by a live process makes `acquirePgliteLock` throw `PgliteLockedError`, whose message
 * says what to do.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export class PgliteLockedError extends Error {
  readonly pid: number;
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database at ${dataDir} is already open in process ${pid}. ` +
        "PGlite allows one process per data directory: stop the other server or script first, " +
        "or give this one its own directory with PGLITE_DIR, or use a Postgres server with DATABASE_URL.",
    );
    this.name = "PgliteLockedError";
    this.pid = pid;
  }
}

export interface PgliteLock {
  readonly file: string;
  release(): void;
}

export function lockFileFor(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The pid of the live process holding the directory's lock, or null when it is free. */
export function pgliteLockOwner(dataDir: string): number | null {
  const owner = readOwner(lockFileFor(dataDir));
  return owner !== null && isAlive(owner) ? owner : null;
}

/** Takes the lock for this process, or throws PgliteLockedError. Creates parent folders. */
export function acquirePgliteLock(dataDir: string): PgliteLock {
  const file = lockFileFor(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });

  for (let attempt = 0; attempt < 5; attempt++) {
    const draft = `${file}.${process.pid}`;
    writeFileSync(draft, String(process.pid));
    let linked = false;
    try {
      linkSync(draft, file);
      linked = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      rmSync(draft, { force: true });
    }
    if (linked) {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (readOwner(file) === process.pid) rmSync(file, { force: true });
        process.off("exit", release);
      };
      process.on("exit", release);
      return { file, release };
    }
    const owner = readOwner(file);
    if (owner !== null && isAlive(owner)) {
      throw new PgliteLockedError(path.resolve(dataDir), owner);
    }
    // The owner is gone: remove the stale lock and race for it again; only one process can win
    // the link that follows. (Two processes taking over the same stale lock in the same
    // instant could both remove it; starting two servers at once after a crash is not a case
    // this guards.)
    rmSync(file, { force: true });
  }
  throw new Error(`Could not take the lock ${file}; remove it if no Tollgate process is running.`);
}
