/**
 * `npm run bench:webhooks [-- --customers 40 --events 600 --rounds 8 --concurrency 16
 * --no-build]`: the webhook pipeline on the chaos harness's setup (lib/testing/chaos/world.ts: a
 * fresh database, the Stripe emulator, two `next start` instances and a job worker), each figure
 * beside a baseline measured in the same run:
 *
 * - ingest: signed unique events per second into POST /api/stripe/webhook at `--concurrency`
 *   (copies of the emulator's invoice events under new ids, about the bench's customers, so the
 *   worker applies them meanwhile), beside GET /api/health (a database round trip and nothing
 *   else) at the same concurrency, in `--rounds` alternating rounds: the median of the rounds'
 *   ratios (the machine may be shared), and the acknowledgement's p50/p99;
 * - renewal day: every customer renews at once (the emulator's clock moved a month), its five
 *   to seven events delivered as they come: Stripe calls per handled event (the emulator's
 *   request counter), the busiest second Stripe saw, and freshness: from the route's answer to
 *   the event marked processed on the ledger (`processed_at`), p50/p99 — the jobs wait 2 s for a
 *   burst to gather, and their reads are paced by STRIPE_READS_PER_SECOND (20);
 * - both again with 30 % of the events delivered twice, in shuffled order.
 *
 * Builds first (`next build`) unless --no-build. Database: a new one on DATABASE_URL's server,
 * else on postgres://postgres@127.0.0.1:5432 (dropped at the end). The processes reach Postgres
 * directly here (no outage line).
 */
import { spawnSync } from "node:child_process";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type Stripe from "stripe";

process.env.LOG_LEVEL ||= "warn";

const { values: args } = parseArgs({
  options: {
    customers: { type: "string", default: "40" },
    events: { type: "string", default: "600" },
    concurrency: { type: "string", default: "16" },
    rounds: { type: "string", default: "8" },
    "no-build": { type: "boolean", default: false },
  },
});
const wholeArg = (name: string, value: string) => {
  const number = Number(value.replaceAll("_", ""));
  if (!Number.isSafeInteger(number) || number < 1) throw new Error(`--${name} must be > 0`);
  return number;
};
const CUSTOMERS = wholeArg("customers", args.customers);
const EVENTS = wholeArg("events", args.events);
const CONCURRENCY = wholeArg("concurrency", args.concurrency);
const INGEST_ROUNDS = wholeArg("rounds", args.rounds);

const { inArray } = await import("drizzle-orm");
const { webhookEvents } = await import("../db/schema");
const { isHandledWebhookEvent } = await import("../lib/billing/mirror/webhook-events");
const { deliverEvents, keepAliveAgent } = await import("../lib/testing/chaos/delivery");
const { allEvents } = await import("../lib/testing/chaos/events");
const { advanceDays, subscribe, VISA } = await import("../lib/testing/chaos/lifecycles");
const { stripeLoad } = await import("../lib/testing/chaos/run");
const { waitForLedger } = await import("../lib/testing/chaos/verify");
const { startChaosWorld } = await import("../lib/testing/chaos/world");

type World = Awaited<ReturnType<typeof startChaosWorld>>;
type Traffic = Parameters<typeof stripeLoad>[0];
type Delivery = Awaited<ReturnType<typeof deliverEvents>>;

const out = (line: string) => process.stdout.write(`${line}\n`);

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

const agent = keepAliveAgent();

/** One GET, its status and how long until its body was read. */
function timedGet(url: URL): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent }, (response) => {
      response.resume();
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

/** `count` GETs of /api/health, `concurrency` at a time over the instances: per second. */
async function healthRound(
  world: World,
  count: number,
): Promise<{ perSecond: number; ms: number[] }> {
  const targets = world.instances.map((instance) => new URL("/api/health", instance.url));
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const call = next++;
        const target = targets[call % targets.length] as URL;
        // A kept connection the server closed as it was reused: sent again, as a client would.
        const result = await timedGet(target).catch(() => timedGet(target));
        if (result.status !== 200) throw new Error(`/api/health answered ${result.status}`);
        latencies.push(result.ms);
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), ms: latencies };
}

/** Unique events: copies of the emulator's own under new ids, as Stripe sends new events. */
function uniqueEvents(templates: readonly Stripe.Event[], count: number, tag: string) {
  return Array.from({ length: count }, (_, index) => {
    const template = templates[index % templates.length] as Stripe.Event;
    return { ...template, id: `evt_bench_${tag}_${index}` } as Stripe.Event;
  });
}

interface Figures {
  name: string;
  deliveries: number;
  /** Acknowledged deliveries per second. */
  perSecond: number;
  /** Against the health route beside it (ingest rows): the median of the rounds' ratios. */
  ratio: number | null;
  /** Each round's ratio, for the spread (ingest rows). */
  ratios?: number[];
  /** Each acknowledgement's time (ms). */
  ackMs: number[];
  /** Each handled event's freshness (ms): processed_at minus its first acknowledgement. */
  freshMs: number[];
  stripeCallsPerEvent: number;
  maxStripePerSecond: number;
}

/** Freshness (ms) of each handled event: its `processed_at` minus its first acknowledgement. */
async function freshness(world: World, delivery: Delivery, events: readonly Stripe.Event[]) {
  const handled = events.filter((event) => isHandledWebhookEvent(event.type)).map((e) => e.id);
  const rows: { id: string; processedAt: Date | null }[] = [];
  for (let at = 0; at < handled.length; at += 500) {
    rows.push(
      ...(await world.db
        .select({ id: webhookEvents.id, processedAt: webhookEvents.processedAt })
        .from(webhookEvents)
        .where(inArray(webhookEvents.id, handled.slice(at, at + 500)))),
    );
  }
  return rows.flatMap((row) => {
    const acknowledged = delivery.firstAckAt.get(row.id);
    return row.processedAt && acknowledged ? [row.processedAt.getTime() - acknowledged] : [];
  });
}

/**
 * Delivers `events` (with `duplicates` of them twice, shuffled if asked) and waits until the
 * ledger has applied them all; the figures of that, Stripe's calls counted from the first
 * delivery to the last event applied.
 */
async function measured(
  world: World,
  name: string,
  events: readonly Stripe.Event[],
  { duplicates, shuffle, health }: { duplicates: number; shuffle: boolean; health: number | null },
): Promise<Figures> {
  const expected = (await world.db.$count(webhookEvents)) + events.length;
  await world.control("POST", "/requests/clear");
  const delivery = await deliverEvents(events, {
    targets: world.instances.map((instance) => instance.url),
    secret: world.webhookSecret,
    concurrency: CONCURRENCY,
    duplicateRate: duplicates,
    shuffle,
  });
  await waitForLedger(world.db, expected, { pollMs: 100 });
  const load = stripeLoad(await world.control<Traffic>("GET", "/requests"));
  const fresh = await freshness(world, delivery, events);
  const handled = events.filter((event) => isHandledWebhookEvent(event.type)).length;
  const perSecond = delivery.deliveries / ((delivery.finishedAt - delivery.startedAt) / 1000);
  return {
    name,
    deliveries: delivery.deliveries,
    perSecond,
    ratio: health === null ? null : perSecond / health,
    ackMs: delivery.ackLatenciesMs,
    freshMs: fresh,
    stripeCallsPerEvent: (load.reads + load.writes) / handled,
    maxStripePerSecond: load.maxPerSecond,
  };
}

/**
 * Ingest in `INGEST_ROUNDS` rounds, each just after a health round of as many requests: the
 * machine is shared, so each round's ratio is taken against the baseline beside it, and the
 * median of those is the ratio. The rates shown are over all rounds.
 */
async function ingest(
  world: World,
  name: string,
  templates: readonly Stripe.Event[],
  duplicates: number,
): Promise<{ baseline: Figures; ingest: Figures }> {
  const rounds: Figures[] = [];
  const baselines: { perSecond: number; ms: number[] }[] = [];
  const perRound = Math.ceil(EVENTS / INGEST_ROUNDS);
  for (let round = 1; round <= INGEST_ROUNDS; round++) {
    const events = uniqueEvents(templates, perRound, `${duplicates * 100}_${round}`);
    const baseline = await healthRound(world, Math.round(perRound * (1 + duplicates)));
    baselines.push(baseline);
    rounds.push(
      await measured(world, name, events, {
        duplicates,
        shuffle: duplicates > 0,
        health: baseline.perSecond,
      }),
    );
  }
  const ratios = rounds.map((round, index) => round.perSecond / (baselines[index]?.perSecond ?? 1));
  const overall = (values: number[]) => values.length / values.reduce((sum, v) => sum + 1 / v, 0);
  const ackMs = rounds.flatMap((round) => round.ackMs);
  const healthMs = baselines.flatMap((baseline) => baseline.ms);
  const freshMs = rounds.flatMap((round) => round.freshMs);
  const worst = (pick: (round: Figures) => number) => Math.max(...rounds.map(pick));
  return {
    baseline: {
      name: "GET /api/health (baseline)",
      deliveries: healthMs.length,
      perSecond: overall(baselines.map((baseline) => baseline.perSecond)),
      ratio: null,
      ackMs: healthMs,
      freshMs: [],
      stripeCallsPerEvent: Number.NaN,
      maxStripePerSecond: Number.NaN,
    },
    ingest: {
      name,
      deliveries: rounds.reduce((sum, round) => sum + round.deliveries, 0),
      perSecond: overall(rounds.map((round) => round.perSecond)),
      ratio: percentile(ratios, 0.5),
      ratios,
      ackMs,
      freshMs,
      stripeCallsPerEvent: worst((round) => round.stripeCallsPerEvent),
      maxStripePerSecond: worst((round) => round.maxStripePerSecond),
    },
  };
}

/** Moves the clock a month: every customer renews. The events that made, oldest first. */
async function renewalDay(world: World, seen: Set<string>): Promise<Stripe.Event[]> {
  await advanceDays(world, 31);
  const fresh = (await allEvents(world.stripe)).filter((event) => !seen.has(event.id));
  for (const event of fresh) seen.add(event.id);
  return fresh;
}

function table(rows: Figures[]): string[] {
  const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : "—");
  const number = (value: number, digits: number) =>
    Number.isFinite(value) ? value.toFixed(digits) : "—";
  const header = [
    "run",
    "requests",
    "answered/s",
    "ratio",
    "p50",
    "p99",
    "Stripe calls/event",
    "Stripe max/s",
    "fresh p50",
    "fresh p99",
  ];
  const cells = rows.map((row) => [
    row.name,
    String(row.deliveries),
    row.perSecond.toFixed(0),
    row.ratio === null ? "—" : row.ratio.toFixed(2),
    ms(percentile(row.ackMs, 0.5)),
    ms(percentile(row.ackMs, 0.99)),
    number(row.stripeCallsPerEvent, 2),
    number(row.maxStripePerSecond, 0),
    ms(percentile(row.freshMs, 0.5)),
    ms(percentile(row.freshMs, 0.99)),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => (row[column] ?? "").length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ");
  return [line(header), ...cells.map(line)];
}

if (!args["no-build"]) {
  out("building (next build)…");
  const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) throw new Error("next build failed");
}

const started = performance.now();
const world = await startChaosWorld();
try {
  out(
    `setup: 2 × next start, 1 worker, emulator; ${CUSTOMERS} customers; ${EVENTS} events per ` +
      `ingest round; ${CONCURRENCY} at once; machine shared, measured ratios are the figures`,
  );
  const deps = { db: world.db, stripe: world.stripe, control: world.control };
  for (let index = 0; index < CUSTOMERS; index++) {
    const tier = index % 4 === 3 ? "enterprise" : "pro";
    await subscribe(deps, index, { tier, period: "monthly", trialDays: 0, card: VISA });
  }
  const seen = new Set<string>();
  const setup = await allEvents(world.stripe);
  for (const event of setup) seen.add(event.id);
  // The subscriptions mirrored before anything is measured (and the processes warmed up).
  await measured(world, "setup", setup, { duplicates: 0, shuffle: false, health: null });
  const templates = setup.filter(
    (event) => isHandledWebhookEvent(event.type) && event.type.startsWith("invoice."),
  );

  const rows: Figures[] = [];
  const unique = await ingest(world, "webhooks, unique events", templates, 0);
  rows.push(unique.baseline, unique.ingest);
  rows.push(
    await measured(world, "renewal day, in order", await renewalDay(world, seen), {
      duplicates: 0,
      shuffle: false,
      health: null,
    }),
  );
  const twice = await ingest(world, "webhooks, 30 % twice, shuffled", templates, 0.3);
  rows.push(twice.baseline, twice.ingest);
  rows.push(
    await measured(world, "renewal day, 30 % twice, shuffled", await renewalDay(world, seen), {
      duplicates: 0.3,
      shuffle: true,
      health: null,
    }),
  );

  out("");
  for (const line of table(rows)) out(line);
  const renewal = rows.filter((row) => row.name.startsWith("renewal"));
  out("");
  for (const row of [unique.ingest, twice.ingest]) {
    out(`${row.name}: each round's ratio ${row.ratios?.map((r) => r.toFixed(2)).join(" ")}`);
  }
  out(
    `goals: ingest ratio ≥ 0.6: ${unique.ingest.ratio?.toFixed(2)}; acknowledgement p99 < 150 ms: ` +
      `${Math.round(percentile(unique.ingest.ackMs, 0.99))} ms`,
  );
  out(
    `       Stripe calls per handled event ≤ 0.5 on a renewal day: ` +
      renewal.map((row) => row.stripeCallsPerEvent.toFixed(2)).join(", "),
  );
  if (world.crashed().length > 0)
    out(
      `crashed: ${world
        .crashed()
        .map((p) => p.name)
        .join(", ")}`,
    );
  out(`took ${((performance.now() - started) / 1000).toFixed(0)} s (without the build)`);
} finally {
  await world.close();
}
