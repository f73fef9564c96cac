/**
 * The webhook pipeline under chaos, on the production build the browser specs run against
 * (playwright.config.ts's webServer builds it; the `chaos` project runs after theirs, alone).
 * lib/testing/chaos/ starts a world of its own — a fresh database on DATABASE_URL's server, a
 * Stripe emulator, two `next start` instances and a job worker, every process reaching Postgres
 * through a TCP proxy — and runs customers' lives in Stripe twice:
 *
 * 1. the lives first, then every event delivered the way Stripe may: shuffled, 30 % twice,
 *    16 at a time, 10 % of attempts cut mid-request, each retried until a 200 — and, once 40 %
 *    are acknowledged, the database cut off from every app process for 10 s while the
 *    deliveries go on;
 * 2. the same deliveries while the lives go on (the clock moves while the app is still applying
 *    what came before), the database cut off for 10 s from the end of the trials, through the
 *    renewals.
 *
 * After each: no process crashed or threw uncaught, both instances answer their health check,
 * the ledger holds every event once, applied, no job spent its retries, applying made no write
 * to Stripe, and every subscription and invoice in the mirror equals Stripe's.
 */
import { expect, test } from "@playwright/test";
import { type ChaosRunReport, runChaos } from "../lib/testing/chaos/run";
import { startChaosWorld, tcpProxyLine } from "../lib/testing/chaos/world";

const say = (line: string) => process.stdout.write(`[chaos] ${line}\n`);
// A run prints its seed; CHAOS_SEED replays a run's deliveries.
const seed = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : undefined;

test.skip(
  !process.env.DATABASE_URL,
  "needs DATABASE_URL: the app's processes share one Postgres database, which PGlite cannot be",
);

function expectConverged(report: ChaosRunReport): void {
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
  const { delivery, outage } = report;
  expect(delivery.deliveries).toBeGreaterThan(delivery.events);
  expect(delivery.cuts["partial-body"]).toBeGreaterThan(0);
  expect(delivery.cuts["before-answer"]).toBeGreaterThan(0);
  expect(outage?.restoredAt).toBeGreaterThan(0);
  expect(outage?.refusedDuring, "deliveries refused while the database was away").toBeGreaterThan(
    0,
  );
}

test("applies every event once and mirrors Stripe exactly through chaotic deliveries and database outages", async () => {
  const world = await startChaosWorld({ line: tcpProxyLine("refuse") });
  let passed = false;
  try {
    say("the lives, then their events");
    const first = await runChaos(world, {
      customers: 18,
      outage: { atShare: 0.4, durationMs: 10_000 },
      seed,
      say,
    });
    expectConverged(first);
    expect(first.mirror.subscriptions).toBeGreaterThanOrEqual(16);

    say("the events while the lives go on");
    const second = await runChaos(world, {
      customers: 18,
      mode: "live",
      outage: { atStep: "trials ended", durationMs: 10_000 },
      earlier: first.customers,
      seed,
      say,
    });
    expectConverged(second);
    expect(second.mirror.subscriptions).toBeGreaterThanOrEqual(32);
    passed = true;
  } finally {
    await world.close({ keepLogs: !passed });
    if (!passed) say(`the app processes' logs are kept in ${world.logDir}`);
  }
});
