import "server-only";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { leases } from "@/db/schema";
import { errorReason } from "@/lib/error-reason";
import type { AppError } from "@/lib/errors";
import { log } from "@/lib/log";

/**
 * Leases: work that must run one at a time across every app instance and script holds a row of
 * `leases` by name until it expires. The holder renews it while it works and deletes it when
 * done; a holder that died frees it by letting it expire. Times are the database's, so the
 * instances' clocks do not matter. No transaction is held open while the work runs (PGlite has
 * one connection).
 */

export interface Lease {
  name: string;
  holder: string;
  acquiredAt: Date;
  expiresAt: Date;
}

export type LeaseClaim = { acquired: true; lease: Lease } | { acquired: false; heldSince: Date };

/** Takes lease `name` for `ttlMs` unless someone holds it unexpired; says since when if so. */
export async function acquireLease(db: Database, name: string, ttlMs: number): Promise<LeaseClaim> {
  const expiresAt = sql`now() + ${ttlMs} * interval '1 millisecond'`;
  const [taken] = await db
    .insert(leases)
    .values({ name, holder: randomUUID(), acquiredAt: sql`now()`, expiresAt })
    .onConflictDoUpdate({
      target: leases.name,
      set: {
        holder: sql`excluded.holder`,
        acquiredAt: sql`excluded.acquired_at`,
        expiresAt: sql`excluded.expires_at`,
      },
      setWhere: sql`${leases.expiresAt} < now()`,
    })
    .returning();
  if (taken) return { acquired: true, lease: taken };
  const [held] = await db
    .select({ acquiredAt: leases.acquiredAt })
    .from(leases)
    .where(eq(leases.name, name));
  // Released between the two statements: a retry would get it, but "busy" is still true to say.
  return { acquired: false, heldSince: held?.acquiredAt ?? new Date() };
}

/** Extends the lease by `ttlMs` from now; false when it is no longer ours (it expired and was taken). */
export async function renewLease(db: Database, lease: Lease, ttlMs: number): Promise<boolean> {
  const renewed = await db
    .update(leases)
    .set({ expiresAt: sql`now() + ${ttlMs} * interval '1 millisecond'` })
    .where(and(eq(leases.name, lease.name), eq(leases.holder, lease.holder)))
    .returning({ name: leases.name });
  return renewed.length > 0;
}

/** Gives the lease up; a lease someone else holds by now is left alone. */
export async function releaseLease(db: Database, lease: Lease): Promise<void> {
  await db.delete(leases).where(and(eq(leases.name, lease.name), eq(leases.holder, lease.holder)));
}

/**
 * Runs `work` under a lease already acquired: renews it every third of `ttlMs`, aborts `signal`
 * if a renewal finds it lost (the work should stop at its next step), and releases it when the
 * work ends, however it ends (if that fails, the lease expires after `ttlMs`).
 */
export async function holdLease<T>(
  db: Database,
  lease: Lease,
  ttlMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const lost = new AbortController();
  const timer = setInterval(() => {
    renewLease(db, lease, ttlMs)
      .then((held) => {
        if (!held) lost.abort(new Error(`the lease ${lease.name} was lost`));
      })
      .catch((error: unknown) => {
        // A missed renewal is retried at the next tick; the lease lasts three of them.
        log.warn({ lease: lease.name, reason: errorReason(error) }, "lease renewal failed");
      });
  }, ttlMs / 3);
  timer.unref();
  try {
    return await work(lost.signal);
  } finally {
    clearInterval(timer);
    // Best effort: the work's own outcome matters more; an unreleased lease expires by itself.
    await releaseLease(db, lease).catch((error: unknown) => {
      log.warn({ lease: lease.name, reason: errorReason(error) }, "lease not released");
    });
  }
}

export interface WaitingLeaseOptions {
  /** How long the lease lasts if its holder stops renewing it: longer than one renewal gap. */
  ttlMs: number;
  /** How long to wait for a lease someone else holds before giving up with `busy()`. */
  waitMs: number;
  busy: () => AppError;
}

const POLL_MS = 100;

/**
 * Runs `run` holding the lease `name`, waiting up to `waitMs` for it while someone else holds it
 * (throws `busy()` when it stays taken). Renewed and released as `holdLease` does.
 */
export async function withLease<T>(
  db: Database,
  name: string,
  { ttlMs, waitMs, busy }: WaitingLeaseOptions,
  run: () => Promise<T>,
): Promise<T> {
  const giveUpAt = Date.now() + waitMs;
  for (;;) {
    const claim = await acquireLease(db, name, ttlMs);
    if (claim.acquired) return holdLease(db, claim.lease, ttlMs, () => run());
    if (Date.now() >= giveUpAt) throw busy();
    await sleep(POLL_MS / 2 + Math.random() * POLL_MS);
  }
}
