/**
 * `npx tsx bench/usage.ts [--single 2000] [--batches 20] [--concurrency 8] [--keep]`: usage
 * records per second through POST /api/usage — one record per call and 1,000 per call — beside
 * the bare INSERT rate into usage_records on the same database, with their ratios.
 *
 * The route handler runs in-process, called with Requests that carry a real session cookie,
 * so every call goes through the whole path: session check, rate limit, entitlements, the
 * advisory lock, the limit check and the insert. The callers are on Enterprise with the metered
 * price, so their API calls also enter the Stripe outbox, as a paying customer's do.
 *
 * Database: DATABASE_URL when set (used as it is, never dropped), else a fresh database
 * `tollgate_bench_usage_<pid>` on postgres://postgres@127.0.0.1:5432 (dropped at the end
 * unless --keep), else PGlite in a temporary folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { register } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import postgres from "postgres";

// lib/ modules import "server-only", which throws outside React Server Components; resolve it
// as Next resolves it for server code (the "react-server" condition: an empty module).
const serverOnlyHooks = `export async function resolve(specifier, context, next) {
  return specifier === "server-only"
    ? next(specifier, { ...context, conditions: [...context.conditions, "react-server"] })
    : next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(serverOnlyHooks)}`);

// Read once by the app's configuration, so set before any app module runs.
process.env.AUTH_SECRET ||= "tollgate-bench-secret-that-is-only-for-benchmarks";
process.env.LOG_LEVEL ||= "warn";

const { values: args } = parseArgs({
  options: {
    single: { type: "string", default: "2000" },
    batches: { type: "string", default: "20" },
    concurrency: { type: "string", default: "8" },
    keep: { type: "boolean", default: false },
  },
});
const wholeArg = (name: string, value: string) => {
  const number = Number(value.replaceAll("_", ""));
  if (!Number.isSafeInteger(number) || number < 1) throw new Error(`--${name} must be > 0`);
  return number;
};
const SINGLE = wholeArg("single", args.single);
const BATCHES = wholeArg("batches", args.batches);
const CONCURRENCY = wholeArg("concurrency", args.concurrency);
const BATCH_SIZE = 1_000;

const { openDatabase, provideDatabase } = await import("../db");
const { subscriptions, usageRecords, users } = await import("../db/schema");
const { RATE_LIMITS } = await import("../lib/rate-limit");
const { env } = await import("../lib/env");
const { sessionCookie, testRequest } = await import("../lib/testing/http");
const { POST } = await import("../app/api/usage/route");
const { ensurePersonalWorkspace } = await import("../lib/workspaces/workspaces");

type Handle = Awaited<ReturnType<typeof openDatabase>>;
type NewUsageRecord = typeof usageRecords.$inferInsert;

const LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/postgres";
const out = (text: string) => process.stdout.write(`${text}\n`);

/** A database of this run's own (see the header), migrated, with how to clean it up. */
async function openBenchDatabase(): Promise<{ handle: Handle; cleanUp: () => Promise<void> }> {
  const configured = process.env.DATABASE_URL;
  if (configured) return { handle: await openDatabase({ url: configured }), cleanUp: noop };

  const name = `tollgate_bench_usage_${process.pid}`;
  const admin = postgres(LOCAL_SERVER, { max: 1, connect_timeout: 3, onnotice: () => {} });
  let url: string | null = null;
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
    const parsed = new URL(LOCAL_SERVER);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
  } catch (error) {
    process.stderr.write(`No local Postgres (${(error as Error).message}); using PGlite.\n`);
  } finally {
    await admin.end({ timeout: 2 });
  }
  if (url) {
    return {
      handle: await openDatabase({ url }),
      cleanUp: async () => {
        if (args.keep) {
          out(`kept database ${name}`);
          return;
        }
        const dropper = postgres(LOCAL_SERVER, { max: 1, onnotice: () => {} });
        try {
          await dropper.unsafe(`drop database if exists "${name}" with (force)`);
        } finally {
          await dropper.end({ timeout: 2 });
        }
      },
    };
  }
  const folder = mkdtempSync(path.join(tmpdir(), "tollgate-bench-usage-"));
  return {
    handle: await openDatabase({ dataDir: path.join(folder, "pglite") }),
    cleanUp: async () => {
      if (args.keep) {
        out(`kept ${folder}`);
        return;
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function noop(): Promise<void> {}

interface Caller {
  workspaceId: string;
  cookie: string;
  customer: string;
}

let callers = 0;
/**
 * A user whose personal workspace (where their session's usage calls land) is on Enterprise
 * (100,000 API calls a month) with the metered price.
 */
async function createCaller(handle: Handle): Promise<Caller> {
  callers += 1;
  const tag = `${process.pid}_${callers}_${Date.now()}`;
  const [user] = await handle.db
    .insert(users)
    .values({ email: `bench-usage-${tag}@bench.example` })
    .returning({ id: users.id });
  if (!user) throw new Error("no user");
  const workspaceId = (await ensurePersonalWorkspace(handle.db, user.id)).id;
  const customer = `cus_bench_${tag}`;
  await handle.db.insert(subscriptions).values({
    workspaceId,
    stripeSubscriptionId: `sub_bench_${tag}`,
    stripeCustomerId: customer,
    planTier: "enterprise",
    billingPeriod: "monthly",
    status: "active",
    meteredPriceId: "price_bench_enterprise_api_calls",
  });
  return { workspaceId, cookie: await sessionCookie({ id: user.id }), customer };
}

/**
 * Callers enough that none passes the route's rate limit, the records-per-minute budget or the
 * plan's monthly limit.
 */
async function createCallers(handle: Handle, calls: number, recordsPerCall: number) {
  const perCaller = Math.min(
    Math.floor(RATE_LIMITS.usage.limit * 0.9),
    Math.floor((env().USAGE_RECORDS_PER_MINUTE * 0.9) / recordsPerCall),
    Math.floor(90_000 / recordsPerCall),
  );
  const list: Caller[] = [];
  for (let n = 0; n < Math.ceil(calls / perCaller); n += 1) list.push(await createCaller(handle));
  return { list, perCaller };
}

let keySequence = 0;
async function postUsage(caller: Caller, body: unknown, key: boolean): Promise<void> {
  keySequence += 1;
  const response = await POST(
    testRequest("/api/usage", {
      body,
      cookie: caller.cookie,
      headers: key ? { "Idempotency-Key": `bench-${keySequence}` } : {},
    }),
    { params: Promise.resolve({}) },
  );
  if (response.status !== 201) {
    throw new Error(`POST /api/usage answered ${response.status}: ${await response.text()}`);
  }
}

/** Runs `calls` calls of `run`, `concurrency` at a time; answers records per second. */
async function rate(
  calls: number,
  recordsPerCall: number,
  concurrency: number,
  run: (call: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        const call = next;
        next += 1;
        await run(call);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return (calls * recordsPerCall) / seconds;
}

function bareRow(caller: Caller): NewUsageRecord {
  return {
    workspaceId: caller.workspaceId,
    metric: "api_calls",
    quantity: 1,
    occurredAt: new Date(),
    reportStatus: "pending",
    stripeCustomerId: caller.customer,
    nextReportAt: new Date(),
  };
}

const perSecond = (value: number) => `${Math.round(value).toLocaleString("en-US")} records/s`;

function line(name: string, route: number, bare: number): string {
  return (
    `${name.padEnd(44)} ${perSecond(route).padStart(18)}   bare INSERT ${perSecond(bare).padStart(18)}` +
    `   ratio ${(route / bare).toFixed(3)} (bare is ${(bare / route).toFixed(1)}× faster)`
  );
}

const { handle, cleanUp } = await openBenchDatabase();
provideDatabase(handle);
try {
  out(`database: ${handle.kind} ${handle.location}`);
  out(
    `calls: ${SINGLE} single-record calls, ${BATCHES} calls of ${BATCH_SIZE} records, ` +
      `${CONCURRENCY} concurrent callers for the concurrent run\n`,
  );
  const record = { metric: "api_calls", quantity: 1 };
  const batchBody = { records: Array.from({ length: BATCH_SIZE }, () => record) };

  // Warm-up: connections, prepared plans, JIT.
  const warm = await createCaller(handle);
  for (let n = 0; n < 50; n += 1) await postUsage(warm, record, true);
  await postUsage(warm, batchBody, true);

  const single = await createCallers(handle, SINGLE, 1);
  const callerOf = (call: number) => single.list[Math.floor(call / single.perCaller)] ?? warm;
  const routeSingle = await rate(SINGLE, 1, 1, (call) => postUsage(callerOf(call), record, false));
  const single2 = await createCallers(handle, SINGLE, 1);
  const routeSingleKeyed = await rate(SINGLE, 1, 1, (call) =>
    postUsage(single2.list[Math.floor(call / single2.perCaller)] ?? warm, record, true),
  );
  // Concurrent callers are different workspaces: one workspace's calls for a metric queue on its
  // lock.
  const spread = await createCallers(handle, SINGLE, 1);
  while (spread.list.length < CONCURRENCY) spread.list.push(await createCaller(handle));
  const spreadCaller = (call: number) => spread.list[call % spread.list.length] ?? warm;
  const routeConcurrent = await rate(SINGLE, 1, CONCURRENCY, (call) =>
    postUsage(spreadCaller(call), record, true),
  );
  const bareSingle = await rate(SINGLE, 1, 1, async () => {
    await handle.db.insert(usageRecords).values(bareRow(warm));
  });
  const bareConcurrent = await rate(SINGLE, 1, CONCURRENCY, async (call) => {
    await handle.db.insert(usageRecords).values(bareRow(spreadCaller(call)));
  });

  const batched = await createCallers(handle, BATCHES, BATCH_SIZE);
  const routeBatched = await rate(BATCHES, BATCH_SIZE, 1, (call) =>
    postUsage(batched.list[Math.floor(call / batched.perCaller)] ?? warm, batchBody, true),
  );
  const bareBatched = await rate(BATCHES, BATCH_SIZE, 1, async () => {
    await handle.db
      .insert(usageRecords)
      .values(Array.from({ length: BATCH_SIZE }, () => bareRow(warm)));
  });

  out(line("POST /api/usage, 1 record per call", routeSingle, bareSingle));
  out(line("  … with Idempotency-Key", routeSingleKeyed, bareSingle));
  out(
    line(
      `  … ${CONCURRENCY} callers at once (bare: ${CONCURRENCY} at once)`,
      routeConcurrent,
      bareConcurrent,
    ),
  );
  out(line(`POST /api/usage, ${BATCH_SIZE} records per call`, routeBatched, bareBatched));
} finally {
  await handle.close();
  await cleanUp();
}
