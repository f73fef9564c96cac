/**
 * The webhook pipeline under chaos, on the production build the browser specs run against
 * (playwright.config.ts's webServer builds it; the `chaos` project runs after theirs, alone).
 * lib/testing/chaos/ starts a world of its own — a fresh database on DATABASE_URL's server, a
 * Stripe emulator, two `next start` instances and a job worker — lives customers' lives in
 * Stripe, then delivers every event the way Stripe may: shuffled, 30 % twice, 16 at a time,
 * 10 % of attempts cut mid-request, each retried until a 200 — and, once 40 % are acknowledged,
 * the database cut off from every app process (they reach it through a TCP proxy) for 10 s
 * while the deliveries go on. It then checks that no process crashed or threw uncaught, that
 * both instances answer their health check, that the ledger holds every event once, applied,
 * and that every subscription and invoice in the mirror equals Stripe's.
 */
import { expect, test } from "@playwright/test";
import { runChaos } from "../lib/testing/chaos/run";
import { startChaosWorld, tcpProxyLine } from "../lib/testing/chaos/world";

const say = (line: string) => process.stdout.write(`[chaos] ${line}\n`);

test.skip(
  !process.env.DATABASE_URL,
  "needs DATABASE_URL: the app's processes share one Postgres database, which PGlite cannot be",
);

test("applies every event once and mirrors Stripe exactly after shuffled, duplicated and cut deliveries and a database outage", async () => {
  const world = await startChaosWorld({ line: tcpProxyLine("refuse") });
  let passed = false;
  try {
    const report = await runChaos(world, {
      customers: 27,
      outage: { atShare: 0.4, durationMs: 10_000 },
      // The run prints its seed; CHAOS_SEED replays a run's deliveries.
      seed: process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : undefined,
      say,
    });
    for (const note of report.mirror.notes) say(note);

    expect(report.crashed, "app processes that exited").toEqual([]);
    expect(report.uncaughtErrors, "uncaught errors the app processes logged").toEqual([]);
    expect(report.health).toEqual({ "next-1": 200, "next-2": 200 });
    expect(report.ledgerDifferences).toEqual([]);
    expect(report.mirror.differences).toEqual([]);
    expect(report.deadJobs, "jobs that spent their retries").toEqual({});
    // Every subscription was made in Tollgate's shape: applying events never writes to Stripe.
    expect(report.stripe.writes, "Stripe writes while the events were applied").toBe(0);

    // The chaos did happen.
    const { delivery } = report;
    expect(delivery.deliveries).toBeGreaterThan(delivery.events);
    expect(delivery.cuts["partial-body"]).toBeGreaterThan(0);
    expect(delivery.cuts["before-answer"]).toBeGreaterThan(0);
    expect(report.mirror.subscriptions).toBeGreaterThan(20);
    // The outage came while deliveries were still going, and some were refused during it.
    expect(report.outage?.restoredAt).toBeGreaterThan(0);
    expect(report.outage?.acknowledgedBefore).toBeLessThan(delivery.deliveries);
    expect(Object.keys(delivery.refusals).length).toBeGreaterThan(0);
    passed = true;
  } finally {
    await world.close({ keepLogs: !passed });
    if (!passed) say(`the app processes' logs are kept in ${world.logDir}`);
  }
});
