/**
 * One chaos run on a started world (world.ts): customers' lives made in the emulator
 * (lifecycles.ts), every event the emulator made delivered as badly as Stripe may deliver it
 * (delivery.ts) — with, in the middle, the database cut off from every app process for a while
 * as deliveries go on — then, once the ledger has nothing pending, everything compared
 * (verify.ts). Returns what it saw; the caller (a test, a script) decides what fails.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { allEvents, type DeliveryReport, deliverEvents } from "./delivery";
import { type ChaosCustomer, livesGoneWrong, runLifecycles } from "./lifecycles";
import {
  compareLedger,
  compareMirror,
  deadJobs,
  type MirrorComparison,
  waitForLedger,
} from "./verify";
import type { ChaosWorld } from "./world";

/** The emulator's count of the API's traffic (GET /_emulator/requests). */
export interface StripeTraffic {
  reads: number;
  writes: number;
  limited: number;
  seconds: { second: number; reads: number; writes: number; limited: number }[];
  calls: Record<string, number>;
}

/** What Stripe saw from the app while it took the events in and applied them. */
export interface StripeLoad {
  reads: number;
  writes: number;
  /** Requests refused with 429. */
  limited: number;
  /** The busiest second's requests (reads + writes). */
  maxPerSecond: number;
  /** Served calls by method and path. */
  calls: Record<string, number>;
}

export function stripeLoad(traffic: StripeTraffic): StripeLoad {
  return {
    reads: traffic.reads,
    writes: traffic.writes,
    limited: traffic.limited,
    maxPerSecond: Math.max(0, ...traffic.seconds.map((second) => second.reads + second.writes)),
    calls: traffic.calls,
  };
}

export interface ChaosRunOptions {
  customers: number;
  /** Share of events delivered twice (default 0.3). */
  duplicateRate?: number;
  /** Share of attempts cut mid-request (default 0.1). */
  cutRate?: number;
  /** Deliveries in flight at once (default 16). */
  concurrency?: number;
  /**
   * The database cut off from the app's processes once `atShare` of the deliveries are
   * acknowledged, for `durationMs`, while the deliveries go on; null: no outage.
   */
  outage?: { atShare: number; durationMs: number } | null;
  seed?: number;
  /** How long the ledger may take to apply everything after the last delivery (default 2 min). */
  settleTimeoutMs?: number;
  /** Progress lines. */
  say?(line: string): void;
}

export interface ChaosRunReport {
  customers: ChaosCustomer[];
  delivery: DeliveryReport;
  outage: {
    cutAt: number;
    restoredAt: number;
    acknowledgedBefore: number;
    /** Attempts refused while the database was away, and after its return (with the last). */
    refusedDuring: number;
    refusedAfter: number;
    lastRefusalAfterMs: number | null;
  } | null;
  ledgerDifferences: string[];
  mirror: MirrorComparison;
  deadJobs: Record<string, number>;
  /** `name (pid …) exited …; log …` for every app process that exited unasked. */
  crashed: string[];
  /** Uncaught exceptions and unhandled rejections the app processes logged (and survived). */
  uncaughtErrors: string[];
  /** Each instance's /api/health status after the outage (first 200 within 20 s, else last). */
  health: Record<string, number | string>;
  /** Stripe's traffic from the first delivery until the ledger had applied everything. */
  stripe: StripeLoad;
  timingsMs: { lifecycles: number; delivery: number; settle: number; compare: number };
}

async function healthAfter(url: string): Promise<number | string> {
  const deadline = Date.now() + 20_000;
  let last: number | string = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      last = response.status;
      if (response.status === 200) return 200;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(500);
  }
  return last;
}

export async function runChaos(
  world: ChaosWorld,
  options: ChaosRunOptions,
): Promise<ChaosRunReport> {
  const say = options.say ?? (() => {});
  let mark = Date.now();
  const lap = () => {
    const now = Date.now();
    const took = now - mark;
    mark = now;
    return took;
  };

  const customers = await runLifecycles(
    { db: world.db, stripe: world.stripe, control: world.control },
    options.customers,
  );
  const wrong = await livesGoneWrong(world.stripe, customers);
  if (wrong.length > 0) throw new Error(`the lives did not go as written:\n${wrong.join("\n")}`);
  const events = await allEvents(world.stripe);
  const lifecycles = lap();
  say(`${customers.length} customers lived ~47 days in ${lifecycles} ms: ${events.length} events`);

  await world.control("POST", "/requests/clear");
  // Set from the delivery callback; typed by assertion so the checks after it are not narrowed.
  let outage = null as ChaosRunReport["outage"];
  let outageOver: Promise<void> = Promise.resolve();
  const plan = options.outage ?? null;
  const delivery = await deliverEvents(events, {
    targets: world.instances.map((instance) => instance.url),
    secret: world.webhookSecret,
    concurrency: options.concurrency ?? 16,
    duplicateRate: options.duplicateRate ?? 0.3,
    cutRate: options.cutRate ?? 0.1,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    onAcknowledged(acknowledged, total) {
      if (!plan || outage || acknowledged < total * plan.atShare) return;
      world.line.cut();
      const cut = {
        cutAt: Date.now(),
        restoredAt: 0,
        acknowledgedBefore: acknowledged,
        refusedDuring: 0,
        refusedAfter: 0,
        lastRefusalAfterMs: null as number | null,
      };
      outage = cut;
      say(`database cut off after ${acknowledged} of ${total} deliveries`);
      outageOver = sleep(plan.durationMs).then(() => {
        world.line.restore();
        cut.restoredAt = Date.now();
        say(`database back after ${cut.restoredAt - cut.cutAt} ms`);
      });
    },
  });
  await outageOver;
  const deliveryMs = lap();
  const ended = outage;
  if (ended) {
    for (const at of delivery.refusedAt) {
      if (at < ended.cutAt) continue;
      if (at <= ended.restoredAt) ended.refusedDuring++;
      else {
        ended.refusedAfter++;
        ended.lastRefusalAfterMs = at - ended.restoredAt;
      }
    }
    say(
      `refused during the outage: ${ended.refusedDuring}; after it: ${ended.refusedAfter}` +
        (ended.lastRefusalAfterMs === null
          ? ""
          : ` (the last ${ended.lastRefusalAfterMs} ms after)`),
    );
  }
  say(
    `${delivery.deliveries} deliveries (seed ${delivery.seed}) acknowledged after ` +
      `${delivery.attempts} attempts in ${deliveryMs} ms; cut ${JSON.stringify(delivery.cuts)}, ` +
      `refused ${JSON.stringify(delivery.refusals)}`,
  );

  await waitForLedger(world.db, events.length, { timeoutMs: options.settleTimeoutMs ?? 120_000 });
  const settle = lap();
  const stripe = stripeLoad(await world.control<StripeTraffic>("GET", "/requests"));
  say(
    `the ledger applied everything ${settle} ms after the last acknowledgement; Stripe saw ` +
      `${stripe.reads} reads, ${stripe.writes} writes, at most ${stripe.maxPerSecond} a second`,
  );

  const health: Record<string, number | string> = {};
  for (const instance of world.instances) health[instance.name] = await healthAfter(instance.url);
  const ledgerDifferences = await compareLedger(world.db, events);
  const mirror = await compareMirror(world.db, world.stripe, customers);
  const dead = await deadJobs(world.db);
  const compare = lap();
  const crashed = world
    .crashed()
    .map(
      (process) =>
        `${process.name} (pid ${process.pid}) exited ${JSON.stringify(process.crash)}; log ${process.logFile}`,
    );
  return {
    customers,
    delivery,
    outage,
    ledgerDifferences,
    mirror,
    deadJobs: dead,
    crashed,
    uncaughtErrors: world.uncaughtErrors(),
    health,
    stripe,
    timingsMs: { lifecycles, delivery: deliveryMs, settle, compare },
  };
}
