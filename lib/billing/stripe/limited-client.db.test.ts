import { sql } from "drizzle-orm";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Database, type DatabaseHandle, openDatabase, selectRows } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { startTestEmulator, stripeError, type TestEmulator } from "@/stripe-emulator/testing";
import type { TrafficReport } from "@/stripe-emulator/traffic";
import {
  createLimitedStripeClient,
  type LimitedStripeClientConfig,
  type StripeReadsPacing,
  stripeReadsLimiter,
} from "./client";

let t: TestEmulator;
let handle: DatabaseHandle;
/** A second connection pool to the same database, as another process has (PGlite: the same). */
let other: DatabaseHandle | null = null;
beforeAll(async () => {
  t = await startTestEmulator();
  handle = await createTestDatabase();
  if (handle.kind === "postgres") {
    other = await openDatabase({ url: handle.location, migrate: false });
  }
});
afterAll(async () => {
  await other?.close();
  await handle.close();
  await t.close();
});
beforeEach(async () => {
  await handle.db.execute(sql`delete from request_limiters`);
  await t.control("POST", "/reset");
});

const otherDb = (): Database => other?.db ?? handle.db;
const config = (readsPerSecond: number): LimitedStripeClientConfig => ({
  STRIPE_SECRET_KEY: t.emu.secretKey,
  STRIPE_API_BASE: t.emu.url,
  STRIPE_EMULATOR_PORT: t.emu.port,
  STRIPE_READS_PER_SECOND: readsPerSecond,
});
const client = (readsPerSecond: number, db = handle.db, pacing: StripeReadsPacing = {}) =>
  createLimitedStripeClient(config(readsPerSecond), db, pacing);
/** The reads limiter's rate now, for a setting of `setting`. */
const readsRate = (setting: number) =>
  stripeReadsLimiter(handle.db, { STRIPE_READS_PER_SECOND: setting }).currentRate();
const traffic = async () => (await t.control<TrafficReport>("GET", "/requests")).body;

interface Outcome {
  at: number;
  limited: boolean;
}

/** Reads one after another for `ms`, as a job worker does; 429s are noted, not thrown. */
async function readFor(stripe: Stripe, ms: number, outcomes: Outcome[]): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      await stripe.customers.list({ limit: 1 });
      outcomes.push({ at: Date.now(), limited: false });
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeRateLimitError)) throw error;
      outcomes.push({ at: Date.now(), limited: true });
    }
  }
}

/** Four workers in two processes reading for `ms`. */
async function fourWorkers(readsPerSecond: number, ms: number): Promise<Outcome[]> {
  const here = client(readsPerSecond);
  const there = client(readsPerSecond, otherDb());
  const outcomes: Outcome[] = [];
  await Promise.all([here, here, there, there].map((stripe) => readFor(stripe, ms, outcomes)));
  return outcomes;
}

describe("a Stripe client with paced reads", () => {
  it("keeps the reads of workers in two processes under the setting in every second the emulator saw", async () => {
    // The emulator's sliding window as a meter: one read over 10 in any 1000 ms would be refused.
    await t.control("POST", "/rate-limit", { readsPerSecond: 11 });
    const outcomes = await fourWorkers(10, 2_200);

    const seen = await traffic();
    expect(seen.limited).toBe(0);
    expect(outcomes.every((outcome) => !outcome.limited)).toBe(true);
    for (const second of seen.seconds) expect(second.reads).toBeLessThanOrEqual(11);
    // The workers were held back, not idle: about 22 reads in 2.2 s.
    expect(seen.reads).toBeGreaterThanOrEqual(15);
    expect(seen.reads).toBeLessThanOrEqual(26);
  });

  it("slows every process down on the emulator's 429s until they stop, then stays under its cap", async () => {
    await t.control("POST", "/rate-limit", { readsPerSecond: 6 });
    const started = Date.now();
    const outcomes = await fourWorkers(10, 4_000);

    const refused = outcomes.filter((outcome) => outcome.limited);
    expect(refused.length).toBeGreaterThan(0);
    expect(await readsRate(10)).toBeLessThanOrEqual(6);
    // The last two seconds: reads served, none refused.
    const late = outcomes.filter((outcome) => outcome.at >= started + 2_000);
    expect(late.filter((outcome) => outcome.limited)).toEqual([]);
    expect(late.length).toBeGreaterThanOrEqual(6);
    const seen = await traffic();
    for (const second of seen.seconds) expect(second.reads).toBeLessThanOrEqual(6);
  });

  it("fails a read answered 429 at once, without retrying it, and halves the rate", async () => {
    await t.control("POST", "/faults", { status: 429, count: 1 });
    const error = await stripeError(client(10).customers.list({ limit: 1 }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect((await traffic()).reads).toBe(1);
    expect(await readsRate(10)).toBeCloseTo(5, 1);
  });

  it("paces each retry of a read: at one read a second, a 500 and its retry fall in different seconds", async () => {
    await t.control("POST", "/faults", { status: 500, count: 1 });
    await expect(client(1).customers.list({ limit: 1 })).resolves.toMatchObject({
      object: "list",
    });
    const seen = await traffic();
    expect(seen.reads).toBe(2);
    expect(seen.seconds.map((second) => second.reads)).toEqual([1, 1]);
  });

  it("leaves writes unpaced: they never touch the limiter", async () => {
    const stripe = client(1);
    for (let i = 0; i < 5; i++) await stripe.customers.create({ email: `w${i}@example.com` });
    const count = async () =>
      (
        await selectRows<{ n: number }>(
          handle.db,
          sql`select count(*)::int as n from request_limiters`,
        )
      )[0]?.n;
    expect(await count()).toBe(0);
    await stripe.customers.list({ limit: 1 });
    expect(await count()).toBe(1);
  });

  it("sends no read when the limiter's database fails: the call fails as a connection error", async () => {
    await handle.db.execute(sql`alter table request_limiters rename to request_limiters_away`);
    try {
      const error = await stripeError(client(10).customers.list({ limit: 1 }));
      expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
      expect((await traffic()).reads).toBe(0);
    } finally {
      await handle.db.execute(sql`alter table request_limiters_away rename to request_limiters`);
    }
  });
});
