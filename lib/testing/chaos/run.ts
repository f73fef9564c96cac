/**
 * One chaos run on a started world (world.ts): customers' lives made in the emulator
 * (lifecycles.ts), every event the emulator made delivered as badly as Stripe may deliver it
 * (delivery.ts) — with, in the middle, the database cut off from every app process for a while
 * as deliveries go on — then, once the ledger has nothing pending, everything compared
 * (verify.ts). Returns what it saw; the caller (a test, a script) decides what fails.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type Stripe from "stripe";
import { type DeliveryReport, startDeliveries } from "./delivery";
import { type ChaosCustomer, livesGoneWrong, runLifecycles, type Step } from "./lifecycles";
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
  /**
   * `after` (default): the lives first, then their events delivered. `live`: the events are
   * delivered as the emulator makes them, while the lives go on, with `pauseMs` (default 1.5 s)
   * after each step, so the clock moves while the app is still applying what came before.
   */
  mode?: "after" | "live";
  pauseMs?: number;
  /** Share of events delivered twice (default 0.3). */
  duplicateRate?: number;
  /** Share of attempts cut mid-request (default 0.1). */
  cutRate?: number;
  /** Deliveries in flight at once (default 16). */
  concurrency?: number;
  /**
   * The database cut off from the app's processes for `durationMs` while the deliveries go on:
   * once `atShare` of the deliveries are acknowledged (`after`), or right after the lives reach
   * `atStep` (`live`). Null: no outage.
   */
  outage?: { durationMs: number; atShare?: number; atStep?: Step } | null;
  seed?: number;
  /** How long the ledger may take to apply everything after the last delivery (default 2 min). */
  settleTimeoutMs?: number;
  /** Customers of earlier runs in the same world, compared again at the end of this one. */
  earlier?: readonly ChaosCustomer[];
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
  /**
   * Stripe's traffic until the ledger had applied everything, from the first delivery (`after`)
   * or the start of the lives (`live`), less the harness's own calls (which its busiest second
   * and calls by path include in `live`).
   */
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

let runs = 0;

export async function runChaos(
  world: ChaosWorld,
  options: ChaosRunOptions,
): Promise<ChaosRunReport> {
  const say = options.say ?? (() => {});
  const mode = options.mode ?? "after";
  const plan = options.outage ?? null;
  if (plan && (mode === "after" ? plan.atShare === undefined : plan.atStep === undefined)) {
    throw new Error(`an outage in ${mode} mode needs ${mode === "after" ? "atShare" : "atStep"}`);
  }
  runs += 1;
  const tag = `${runs}-`;
  let mark = Date.now();
  const lap = () => {
    const now = Date.now();
    const took = now - mark;
    mark = now;
    return took;
  };

  // Set when the line is cut; typed by assertion so the checks after it are not narrowed.
  let outage = null as ChaosRunReport["outage"];
  let outageOver: Promise<void> = Promise.resolve();
  let acknowledged = 0;
  const cutTheLine = (why: string) => {
    if (!plan || outage) return;
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
    say(`database cut off ${why}`);
    outageOver = sleep(plan.durationMs).then(() => {
      world.line.restore();
      cut.restoredAt = Date.now();
      say(`database back after ${cut.restoredAt - cut.cutAt} ms`);
    });
  };

  await world.control("POST", "/requests/clear");
  // The harness's own calls, so that what Stripe counted can be told apart from the app's.
  const mine = { reads: 0, writes: 0 };
  const countMine = (request: Stripe.RequestEvent) => {
    if (request.method === "GET") mine.reads++;
    else mine.writes++;
  };
  world.stripe.on("request", countMine);
  const deliveries = startDeliveries({
    targets: world.instances.map((instance) => instance.url),
    secret: world.webhookSecret,
    concurrency: options.concurrency ?? 16,
    duplicateRate: options.duplicateRate ?? 0.3,
    cutRate: options.cutRate ?? 0.1,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    onAcknowledged(count, total) {
      acknowledged = count;
      if (mode === "after" && plan?.atShare !== undefined && count >= total * plan.atShare) {
        cutTheLine(`after ${count} of ${total} deliveries`);
      }
    },
  });
  const deps = { db: world.db, stripe: world.stripe, control: world.control, tag };
  let customers: ChaosCustomer[];
  if (mode === "live") {
    // What happened before this run (the catalog, an earlier run's lives) is delivered too.
    let feeding = true;
    const feed = async () => deliveries.add(await world.events.next());
    const feeder = (async () => {
      while (feeding) {
        await feed();
        await sleep(250);
      }
    })();
    customers = await runLifecycles(deps, options.customers, {
      afterStep: async (step) => {
        await feed();
        if (plan?.atStep === step) cutTheLine(`as the lives reached "${step}"`);
        await sleep(options.pauseMs ?? 1_500);
      },
    });
    feeding = false;
    await feeder;
    await feed();
  } else {
    customers = await runLifecycles(deps, options.customers);
  }
  const lifecycles = lap();
  const wrong = await livesGoneWrong(world.stripe, customers);
  if (wrong.length > 0) throw new Error(`the lives did not go as written:\n${wrong.join("\n")}`);
  if (mode === "after") {
    const events = await world.events.next();
    // Stripe's count starts with the deliveries: the lives are not the app's traffic.
    await world.control("POST", "/requests/clear");
    mine.reads = 0;
    mine.writes = 0;
    deliveries.add(events);
  }
  say(
    `${customers.length} customers lived ~47 days in ${lifecycles} ms (${mode}); ` +
      `${world.events.all().length} events in Stripe`,
  );
  const delivery = await deliveries.finish();
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

  const events = world.events.all();
  await waitForLedger(world.db, events.length, { timeoutMs: options.settleTimeoutMs ?? 120_000 });
  const settle = lap();
  world.stripe.off("request", countMine);
  const counted = stripeLoad(await world.control<StripeTraffic>("GET", "/requests"));
  const stripe = {
    ...counted,
    reads: counted.reads - mine.reads,
    writes: counted.writes - mine.writes,
  };
  say(
    `the ledger applied everything ${settle} ms after the last acknowledgement; Stripe saw ` +
      `${stripe.reads} reads, ${stripe.writes} writes, at most ${stripe.maxPerSecond} a second`,
  );

  const health: Record<string, number | string> = {};
  for (const instance of world.instances) health[instance.name] = await healthAfter(instance.url);
  const ledgerDifferences = await compareLedger(world.db, events);
  const mirror = await compareMirror(world.db, world.stripe, [
    ...(options.earlier ?? []),
    ...customers,
  ]);
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
