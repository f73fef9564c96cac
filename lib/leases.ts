import "server-only";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { and, eq, sql } from "drizzle-orm";
import { type Database, selectRows } from "@/db";
import { leases } from "@/db/schema";
import type { AppError } from "./errors";

/**
 * Named leases in Postgres (`leases`): work that must run one at a time across every app
 * instance takes the lease first. A lease is a row held until `expires_at`, so a holder that
 * died frees it by expiring; times are the database's clock, one for every instance. Holds no
 * transaction or connection while the work runs (PGlite has a single connection).
 */

/** Takes `name` for `holder` when it is free or expired; true when `holder` now holds it. */
export async function tryAcquireLease(
  db: Database,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const ttl = `${Math.max(1, Math.round(ttlMs))} milliseconds`;
  const rows = await selectRows<{ holder: string }>(
    db,
    sql`insert into ${leases} (name, holder, acquired_at, expires_at)
        values (${name}, ${holder}, now(), now() + ${ttl}::interval)
        on conflict (name) do update set
          holder = excluded.holder,
          acquired_at = excluded.acquired_at,
          expires_at = excluded.expires_at
        where ${leases.expiresAt} <= now()
        returning holder`,
  );
  return rows.length > 0;
}

/** Frees `name` if `holder` still holds it (a lease that expired and was taken is left alone). */
export async function releaseLease(db: Database, name: string, holder: string): Promise<void> {
  await db.delete(leases).where(and(eq(leases.name, name), eq(leases.holder, holder)));
}

export interface LeaseOptions {
  /** How long the lease lasts if its holder never releases it: longer than `run` can take. */
  ttlMs: number;
  /** How long to wait for a lease someone else holds before giving up with `busy()`. */
  waitMs: number;
  busy: () => AppError;
}

const POLL_MS = 100;

/**
 * Runs `run` holding the lease `name`, waiting up to `waitMs` for it; throws `busy()` when it
 * stays taken. The lease is released when `run` settles, whether it returned or threw.
 */
export async function withLease<T>(
  db: Database,
  name: string,
  { ttlMs, waitMs, busy }: LeaseOptions,
  run: () => Promise<T>,
): Promise<T> {
  const holder = randomUUID();
  const giveUpAt = Date.now() + waitMs;
  while (!(await tryAcquireLease(db, name, holder, ttlMs))) {
    if (Date.now() >= giveUpAt) throw busy();
    await sleep(POLL_MS / 2 + Math.random() * POLL_MS);
  }
  try {
    return await run();
  } finally {
    await releaseLease(db, name, holder);
  }
}
