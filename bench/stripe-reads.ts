/**
 * `npx tsx bench/stripe-reads.ts [--rate 20] [--workers 8] [--processes 2] [--seconds 5]
 * [--cap 15]`: Stripe reads from job workers, as the bundled emulator counts them second by
 * second, through the paced client (`createLimitedStripeClient` at `--rate`) beside the same
 * workers on the plain client: reads per second, the busiest second, the 429s, and the paced
 * rate's ratio to the setting. `--processes` limiters share the pace through the database, as
 * app instances and workers do. With `--cap` the emulator refuses reads past that many per
 * second with Stripe's 429, and the paced run shows the limiter slowing down to it.
 *
 * Database: a new database `tollgate_bench_reads_<pid>` on DATABASE_URL's server when it is
 * set (each process its own connection pool; dropped at the end), else an in-memory PGlite that
 * the processes share. DATABASE_URL's own database is never touched.
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import Stripe from "stripe";

process.env.LOG_LEVEL ||= "error";

const { values: args } = parseArgs({
  options: {
    rate: { type: "string", default: "20" },
    workers: { type: "string", default: "8" },
    processes: { type: "string", default: "2" },
    seconds: { type: "string", default: "5" },
    cap: { type: "string", default: "0" },
  },
});
const wholeArg = (name: string, value: string, min = 1) => {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < min) throw new Error(`--${name} must be ≥ ${min}`);
  return number;
};
const RATE = wholeArg("rate", args.rate);
const WORKERS = wholeArg("workers", args.workers);
const PROCESSES = wholeArg("processes", args.processes);
const SECONDS = wholeArg("seconds", args.seconds);
const CAP = wholeArg("cap", args.cap, 0);

const { openDatabase } = await import("../db");
const { createLimitedStripeClient, createStripeClient, stripeReadsLimiter } = await import(
  "../lib/billing/stripe/client"
);
const { startEmulator } = await import("../stripe-emulator");

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Runs `statement` on the server's own database (create or drop the benchmark's). */
async function onServer(serverUrl: string, statement: string): Promise<void> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

const serverUrl = process.env.DATABASE_URL;
const benchName = `tollgate_bench_reads_${process.pid}`;
let url: string | undefined;
if (serverUrl) {
  await onServer(serverUrl, `create database "${benchName}"`);
  const parsed = new URL(serverUrl);
  parsed.pathname = `/${benchName}`;
  url = parsed.toString();
}

const emu = await startEmulator({ port: 0 });
const first = await openDatabase(url ? { url } : { memory: true });
const others = url
  ? await Promise.all(
      Array.from({ length: PROCESSES - 1 }, () => openDatabase({ url, migrate: false })),
    )
  : [];
const dbs = [first, ...others].map((handle) => handle.db);
const config = {
  STRIPE_SECRET_KEY: emu.secretKey,
  STRIPE_API_BASE: emu.url,
  STRIPE_EMULATOR_PORT: emu.port,
  STRIPE_READS_PER_SECOND: RATE,
};

interface Run {
  reads: number;
  limited: number;
  busiest: number;
  seconds: number;
}

/** `WORKERS` workers, spread over the clients, each reading one after another for SECONDS. */
async function run(clients: Stripe[]): Promise<Run> {
  emu.traffic.reset();
  if (CAP > 0) emu.traffic.setReadsPerSecond(CAP);
  const started = performance.now();
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, worker) => {
      const stripe = clients[worker % clients.length];
      if (!stripe) return;
      while (Date.now() < until) {
        await stripe.customers.list({ limit: 1 }).catch((error: unknown) => {
          if (!(error instanceof Stripe.errors.StripeRateLimitError)) throw error;
        });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const { reads, limited, seconds: perSecond } = emu.traffic.report();
  return { reads, limited, seconds, busiest: Math.max(0, ...perSecond.map((s) => s.reads)) };
}

const summary = (name: string, result: Run) =>
  `${name.padEnd(34)} ${(result.reads / result.seconds).toFixed(1).padStart(7)} reads/s` +
  `   busiest second ${String(result.busiest).padStart(4)}   429s ${String(result.limited).padStart(5)}`;

try {
  out(
    `database: ${first.kind}; ${WORKERS} workers in ${PROCESSES} processes for ${SECONDS} s; ` +
      `STRIPE_READS_PER_SECOND=${RATE}${CAP > 0 ? `; emulator cap ${CAP} reads/s` : ""}\n`,
  );
  const plain = await run(dbs.map(() => createStripeClient(config)));
  const paced = await run(dbs.map((db) => createLimitedStripeClient(config, db)));
  out(summary("plain client (no pacing)", plain));
  out(summary(`paced client (setting ${RATE}/s)`, paced));
  out(
    `\npaced reads/s ÷ setting: ${(paced.reads / paced.seconds / RATE).toFixed(3)}` +
      `   busiest second ÷ setting: ${(paced.busiest / RATE).toFixed(3)}` +
      `   plain ÷ paced reads/s: ${(plain.reads / plain.seconds / (paced.reads / paced.seconds)).toFixed(1)}`,
  );
  if (CAP > 0) {
    const rate = await stripeReadsLimiter(first.db, config).currentRate();
    out(`limiter's rate after the paced run: ${rate.toFixed(2)}/s (cap ${CAP}/s)`);
  }
} finally {
  for (const handle of [...others, first]) await handle.close();
  await emu.close();
  if (serverUrl) await onServer(serverUrl, `drop database if exists "${benchName}" with (force)`);
}
