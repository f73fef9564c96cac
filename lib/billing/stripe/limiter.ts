/**
 * A request limiter kept in Postgres, so every app instance and worker sharing the database
 * shares one pace: at most `ratePerSecond` calls go out per second, all processes together.
 *
 * "Next slot" scheduling (GCRA without a burst): the limiter's row holds the earliest time the
 * next call may go. `acquire` takes that slot and moves the row on by one interval (1 / rate) in
 * one atomic upsert, timed by the database's clock, then sleeps until its slot. Concurrent
 * callers get distinct slots at least one interval apart, so no one-second window holds more
 * than the rate, whichever process they run in and whatever its clock says.
 *
 * A 429 from the API calls `slowDown`: the rate is halved (not below 1/s) and the next slot is
 * pushed a second out. The rate then recovers by itself, doubling every `recoveryMs` (computed
 * from the time of the slow-down, no timer), up to `ratePerSecond`. A burst of 429s within one
 * second halves once: they report the same overload. Slots granted before a slow-down are kept.
 *
 * Not marked `server-only`: job workers run under tsx.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type SQL, sql } from "drizzle-orm";
import { type Database, selectRows } from "@/db";
import { requestLimiters } from "@/db/schema";
import { log } from "@/lib/log";

export interface RequestLimiterOptions {
  /** The row's name: every limiter of this name, in any process, shares one pace. */
  name: string;
  /** Calls per second at most; the rate a slowed limiter recovers to. */
  ratePerSecond: number;
  /** How long a slowed rate takes to double again. Default 30 s. */
  recoveryMs?: number;
  /**
   * The longest `acquire` waits for its slot. When the next free slot is farther out it takes
   * none and throws `LimiterBusyError`, so a caller (a job) gives its worker back and retries
   * later instead of holding it asleep. Default 30 s.
   */
  maxWaitMs?: number;
}

export interface Slot {
  /** When the call may go, by the database's clock. */
  at: Date;
  /** How long `acquire` slept for it. */
  waitedMs: number;
}

export interface RequestLimiter {
  readonly name: string;
  /** Takes the next free slot and resolves at its time; throws `LimiterBusyError` if too far. */
  acquire(): Promise<Slot>;
  /** After a 429: halves the rate (once per second at most) and pushes the next slot 1 s out. */
  slowDown(): Promise<number>;
  /** Calls per second the limiter allows now (recovery included). */
  currentRate(): Promise<number>;
}

/** The next free slot is farther out than the limiter's `maxWaitMs`. */
export class LimiterBusyError extends Error {
  constructor(
    readonly limiter: string,
    readonly maxWaitMs: number,
  ) {
    super(`the limiter ${limiter} has no free slot within ${maxWaitMs} ms`);
    this.name = "LimiterBusyError";
  }
}

/** How far a slow-down pushes the next slot, and the span in which 429s count as one. */
const PAUSE_SECONDS = 1;
/** Beyond this many doublings the rate is surely back at its cap (and power() cannot overflow). */
const MAX_DOUBLINGS = 30;

export function createRequestLimiter(db: Database, options: RequestLimiterOptions): RequestLimiter {
  const { name, ratePerSecond } = options;
  const recoveryMs = options.recoveryMs ?? 30_000;
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
    throw new Error(`a limiter's rate must be a positive number, not ${ratePerSecond}`);
  }
  if (!(recoveryMs > 0) || !(maxWaitMs >= 0)) {
    throw new Error("a limiter's recoveryMs must be positive and its maxWaitMs not negative");
  }
  const cap = sql`${ratePerSecond}::float8`;
  const floor = Math.min(1, ratePerSecond);
  const now = sql`statement_timestamp()`;
  const pause = sql`${PAUSE_SECONDS} * interval '1 second'`;

  /** The rate row `l` allows now: the slowed rate grown by recovery, capped; never slowed → cap. */
  const rateOf = (l: SQL) =>
    sql`least(${cap}, ${l}.rate * power(2::float8, least(${MAX_DOUBLINGS}::float8,
          extract(epoch from ${now} - ${l}.slowed_at)::float8 * 1000 / ${recoveryMs}::float8)))`;
  const interval = (l: SQL) => sql`interval '1 second' / ${rateOf(l)}`;
  const l = sql.raw("l");

  return {
    name,

    async acquire() {
      const [row] = await selectRows<{ slot_ms: number | string; wait_ms: number | string }>(
        db,
        sql`insert into ${requestLimiters} as l (name, rate, slowed_at, next_slot_at)
            values (${name}, ${cap}, null, ${now} + interval '1 second' / ${cap})
            on conflict (name) do update set
              next_slot_at = greatest(l.next_slot_at, ${now}) + ${interval(l)}
            where l.next_slot_at <= ${now} + ${maxWaitMs}::float8 * interval '1 millisecond'
            returning
              (extract(epoch from l.next_slot_at - ${interval(l)}) * 1000)::float8 as slot_ms,
              (extract(epoch from l.next_slot_at - ${interval(l)} - ${now}) * 1000)::float8
                as wait_ms`,
      );
      if (!row) throw new LimiterBusyError(name, maxWaitMs);
      const waitMs = Math.max(0, Number(row.wait_ms));
      if (waitMs > 0) await sleep(waitMs);
      return { at: new Date(Number(row.slot_ms)), waitedMs: waitMs };
    },

    async slowDown() {
      const recent = sql`(l.slowed_at is not null and l.slowed_at > ${now} - ${pause})`;
      const [row] = await selectRows<{ rate: number | string; halved: boolean }>(
        db,
        sql`insert into ${requestLimiters} as l (name, rate, slowed_at, next_slot_at)
            values (${name}, greatest(${floor}::float8, ${cap} / 2), ${now}, ${now} + ${pause})
            on conflict (name) do update set
              rate = case when ${recent} then l.rate
                          else greatest(${floor}::float8, ${rateOf(l)} / 2) end,
              slowed_at = case when ${recent} then l.slowed_at else ${now} end,
              next_slot_at = greatest(l.next_slot_at, ${now} + ${pause})
            returning ${rateOf(l)} as rate, l.slowed_at = ${now} as halved`,
      );
      const rate = Number(row?.rate ?? floor);
      if (row?.halved) log.warn({ limiter: name, rate }, "rate limited: slowing down");
      return rate;
    },

    async currentRate() {
      const [row] = await selectRows<{ rate: number | string }>(
        db,
        sql`select ${rateOf(l)} as rate from ${requestLimiters} as l where l.name = ${name}`,
      );
      return row ? Number(row.rate) : ratePerSecond;
    },
  };
}
