import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Database, type DatabaseHandle, openDatabase } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { type ProcessErrors, watchProcessErrors } from "@/lib/testing/process-errors";
import { startTcpProxy, type TcpProxy } from "@/lib/testing/tcp-proxy";
import { databaseUnavailable } from "./unavailable";

/** Every operation of the load: its start, its end and its error, in ms since the test began. */
interface Outcome {
  started: number;
  ended: number;
  error: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// postgres.js itself is under test here, so only a Postgres server will do (no PGlite).
describe.runIf(process.env.DATABASE_URL)("the app's Postgres client through an outage", () => {
  let direct: DatabaseHandle;
  let proxy: TcpProxy;
  let proxied: DatabaseHandle;
  let errors: ProcessErrors;

  beforeAll(async () => {
    direct = await createTestDatabase();
    const server = new URL(direct.location);
    proxy = await startTcpProxy({
      targetHost: server.hostname,
      targetPort: Number(server.port || 5432),
    });
    proxied = await openDatabase({ url: proxy.rewriteUrl(direct.location), migrate: false });
  });

  afterAll(async () => {
    await proxied?.close();
    await proxy?.close();
    await direct?.close();
  });

  beforeEach(() => {
    errors = watchProcessErrors();
  });

  afterEach(() => {
    proxy.restore();
    errors.stop();
  });

  /** A transaction that holds its connection for `ms` between two statements. */
  const slowTransaction = (db: Database, ms: number) =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await tx.execute(sql`select pg_sleep(${ms / 1000})`);
      return tx.execute(sql`select 2`);
    });

  /** `select 1`s and short transactions from `workers` loops until `stop` says so. */
  function load(db: Database, workers: number, t0: number) {
    const outcomes: Outcome[] = [];
    let running = true;
    const loop = async (worker: number) => {
      while (running) {
        const started = performance.now() - t0;
        let error: unknown = null;
        try {
          if (worker % 2 === 0) await slowTransaction(db, 20);
          else await db.execute(sql`select 1`);
        } catch (caught) {
          error = caught;
        }
        outcomes.push({ started, ended: performance.now() - t0, error });
        await sleep(error ? 50 : 5);
      }
    };
    const loops = Array.from({ length: workers }, (_, worker) => loop(worker));
    return {
      outcomes,
      async stop() {
        running = false;
        await Promise.all(loops);
      },
    };
  }

  it("rejects a transaction whose connection is cut mid-statement at once, without an uncaught exception", async () => {
    await proxied.db.execute(sql`select 1`);
    const started = performance.now();
    const pending = slowTransaction(proxied.db, 2_000).then(
      () => null,
      (error: unknown) => error,
    );
    await sleep(300);
    proxy.cut("refuse");
    const error = await pending;
    expect(databaseUnavailable(error)).not.toBeNull();
    expect(performance.now() - started).toBeLessThan(1_000);
    // The driver's ROLLBACK on the dead socket would have thrown from an immediate by now.
    await sleep(200);
    expect(errors.seen).toEqual([]);
  });

  for (const mode of ["refuse", "blackhole"] as const) {
    it(`fails fast while the line is cut (${mode}), and serves every connection again soon after it is restored`, async () => {
      const t0 = performance.now();
      const work = load(proxied.db, 8, t0);
      await sleep(500);
      const cutAt = performance.now() - t0;
      proxy.cut(mode);
      await sleep(3_000);
      const restoredAt = performance.now() - t0;
      proxy.restore();
      await sleep(2_500);
      await work.stop();

      const sinceCut = work.outcomes.filter((outcome) => outcome.started > cutAt);
      for (const outcome of sinceCut) expect(outcome.ended - outcome.started).toBeLessThan(2_000);
      const during = sinceCut.filter((outcome) => outcome.ended < restoredAt);
      expect(during.length).toBeGreaterThan(20);
      for (const outcome of during) expect(databaseUnavailable(outcome.error)).not.toBeNull();
      const failedAfterRestore = work.outcomes.filter(
        (outcome) => outcome.error !== null && outcome.started > restoredAt,
      );
      const lastFailure = Math.max(restoredAt, ...failedAfterRestore.map((o) => o.ended));
      expect(lastFailure - restoredAt).toBeLessThan(1_500);
      expect(
        work.outcomes.filter((o) => o.started > lastFailure && o.error === null).length,
      ).toBeGreaterThan(8);

      // Every connection of the pool works: more transactions at once than it has connections.
      const burst = await Promise.allSettled(
        Array.from({ length: 24 }, () => slowTransaction(proxied.db, 50)),
      );
      expect(burst.filter((result) => result.status === "rejected")).toEqual([]);
      expect(errors.seen).toEqual([]);
    });
  }
});
