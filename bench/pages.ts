/**
 * `npm run bench:pages [-- --quick] [--invoices 1000000] [--customers 10000] [--seconds 4]
 * [--rounds 2] [--clients 1,8] [--no-build] [--keep]`: Tollgate's pages over HTTP, each beside
 * the equivalent page of a bare Next app of the same versions (bench/bare-next: plain SQL through
 * postgres.js, no auth, an empty root layout) on the same database, interleaved in one run. The
 * bare counterparts: a static page for /pricing; the 25-row keyset page of every invoice (first,
 * deep, the same status filter and search) for the admin pages, the dashboard included; a
 * workspace's 25 newest invoices for the workspace pages; a one-statement JSON route for the
 * usage API.
 *
 * Seeds a new database `tollgate_bench_<pid>` on postgres://postgres@127.0.0.1:5432 (dropped at
 * the end unless --keep; DATABASE_URL instead when set, never dropped, seeded only when empty) with support/seed.ts (1M invoices over 10k customers with workspaces
 * and members; --quick: 100k), builds both apps (unless --no-build) and starts each with
 * `next start`, the Stripe emulator beside Tollgate (its calls are counted per page load). Signs
 * in as an admin and as the owner of a team workspace with session cookies made as Auth.js makes
 * them (lib/testing/http.ts), and loads every page at each client count for `--seconds` (at
 * least 10 requests, at most 30 s) per round, alternating Tollgate and bare, `--rounds` times.
 *
 * Prints per page and client count: requests/s, p50, p95, p99 for both apps and the ratio of
 * their requests/s (Tollgate/bare); each page's transferred bytes (gzip, as a browser accepts
 * it, and decoded); each server's resident memory idle (started, before any request) and at
 * its peak under the load.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync } from "node:fs";
import { register } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import type { BenchDatabase } from "./support/database";
import {
  load,
  percentile,
  type Sample,
  type Target,
  type Weight,
  weigh,
} from "./support/http-load";
import { rssSampler, treeRss } from "./support/process-rss";

// lib/ modules import "server-only", which throws outside React Server Components; resolve it
// as Next resolves it for server code (the "react-server" condition: an empty module).
const serverOnlyHooks = `export async function resolve(specifier, context, next) {
  return specifier === "server-only"
    ? next(specifier, { ...context, conditions: [...context.conditions, "react-server"] })
    : next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(serverOnlyHooks)}`);

const AUTH_SECRET = "tollgate-bench-pages-secret-used-only-here";
process.env.AUTH_SECRET = AUTH_SECRET;
// Read once by the app's logger, so set before any app module runs (the migrations' report).
process.env.LOG_LEVEL ||= "warn";

const { openBenchDatabase } = await import("./support/database");
const { seed } = await import("./support/seed");

const { sessionCookie } = await import("../lib/testing/http");
const { generateApiKey, hashApiKey } = await import("../lib/auth/api-keys");
const { encodeCursor } = await import("../lib/http/cursor");
const { startEmulator } = await import("../stripe-emulator");
const { freePort, waitForOk } = await import("../lib/testing/chaos/processes");

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    invoices: { type: "string" },
    customers: { type: "string", default: "10000" },
    seconds: { type: "string" },
    rounds: { type: "string" },
    clients: { type: "string", default: "1,8" },
    "no-build": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const wholeArg = (name: string, value: string) => {
  const number = Number(value.replaceAll("_", ""));
  if (!Number.isSafeInteger(number) || number < 1) throw new Error(`--${name} must be > 0`);
  return number;
};
const QUICK = args.quick;
const INVOICES = wholeArg("invoices", args.invoices ?? (QUICK ? "100000" : "1000000"));
const CUSTOMERS = wholeArg("customers", args.customers);
const SECONDS = wholeArg("seconds", args.seconds ?? (QUICK ? "2" : "4"));
const ROUNDS = wholeArg("rounds", args.rounds ?? (QUICK ? "1" : "2"));
const CLIENTS = args.clients.split(",").map((value) => wholeArg("clients", value.trim()));
const MIN_REQUESTS = 10;
const MAX_SECONDS = 30;

const root = process.cwd();
const bareDir = path.join(root, "bench/bare-next");
const nextBin = path.join(root, "node_modules/next/dist/bin/next");
const logDir = mkdtempSync(path.join(tmpdir(), "tollgate-bench-pages-"));
const err = (text: string) => process.stderr.write(`${text}\n`);
const out = (text: string) => process.stdout.write(`${text}\n`);
const count = (value: number) => value.toLocaleString("en-US");

// ---------------------------------------------------------------------------------------------
// Data: who signs in, and where the pages point

/**
 * The customer: the owner of a paying (Pro, active) team workspace with 36 members, the largest
 * c ≤ 4235 with c % 10 = 5 (support/seed.ts: c % 5 = 0 is a team, c % 40 further members).
 */
function customerNumber(customers: number): number {
  let c = Math.min(customers, 4235);
  while (c > 5 && (c % 10 !== 5 || c % 13 < 3)) c -= 1;
  return c;
}

interface Fixtures {
  adminCookie: string;
  ownerCookie: string;
  apiKey: string;
  slug: string;
  email: string;
  deepCursor: string;
  deepRow: number;
}

async function fixtures(bench: BenchDatabase, total: number): Promise<Fixtures> {
  const c = customerNumber(CUSTOMERS);
  const owner = `bench-user-${c}`;
  const slug = `team-${c}`;
  await bench.rows(
    `insert into "user" (id, email, name, role) values ($1, $2, 'Bench Admin', 'admin')
     on conflict (id) do nothing`,
    ["bench-admin", "admin@bench.example"],
  );
  const [workspace] = await bench.rows<{ id: string }>(
    "select id::text as id from workspaces where slug = $1",
    [slug],
  );
  if (!workspace) throw new Error(`no workspace ${slug}`);
  const { key, prefix } = generateApiKey();
  await bench.rows(
    `insert into api_keys (user_id, workspace_id, name, prefix, key_hash)
     values ($1, $2::uuid, 'bench', $3, $4)`,
    [owner, workspace.id, prefix, hashApiKey(key)],
  );
  // Some usage this month, so the usage API and page have something to add up.
  await bench.rows(
    `insert into usage_records (workspace_id, metric, quantity, occurred_at, report_status,
       stripe_customer_id, next_report_at)
     select $1::uuid, 'api_calls', 1, now() - g * interval '1 minute', 'skip', null, null
     from generate_series(1, 200) g`,
    [workspace.id],
  );
  const deepRow = Math.max(0, Math.floor(total * 0.9) - 1);
  const [row] = await bench.rows<{ created: string; id: string }>(
    `select to_char(created at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created,
       id::text as id
     from invoices order by created desc nulls last, id desc nulls last offset $1 limit 1`,
    [deepRow],
  );
  if (!row) throw new Error(`no invoice at offset ${deepRow}`);
  return {
    adminCookie: await sessionCookie({ id: "bench-admin", role: "admin" }),
    ownerCookie: await sessionCookie({ id: owner }),
    apiKey: key,
    slug,
    email: `customer${Math.min(4242, CUSTOMERS)}@bench.example`,
    deepCursor: encodeCursor({ at: row.created, id: row.id }),
    deepRow: deepRow + 1,
  };
}

interface PagePair {
  name: string;
  tollgate: string;
  bare: string;
  headers: Record<string, string>;
}

function pagePairs(f: Fixtures): PagePair[] {
  const admin = { cookie: f.adminCookie };
  const owner = { cookie: f.ownerCookie };
  const q = encodeURIComponent(f.email);
  const account = `/account?w=${f.slug}`;
  return [
    { name: "/pricing (signed out)", tollgate: "/pricing", bare: "/", headers: {} },
    { name: "/admin (dashboard)", tollgate: "/admin", bare: "/invoices", headers: admin },
    { name: "/admin/invoices", tollgate: "/admin/invoices", bare: "/invoices", headers: admin },
    {
      name: `/admin/invoices, after row ${count(f.deepRow)}`,
      tollgate: `/admin/invoices?cursor=${f.deepCursor}`,
      bare: `/invoices?cursor=${f.deepCursor}`,
      headers: admin,
    },
    {
      name: "/admin/invoices?status=open",
      tollgate: "/admin/invoices?status=open",
      bare: "/invoices?status=open",
      headers: admin,
    },
    {
      name: "/admin/invoices?q=<email>",
      tollgate: `/admin/invoices?q=${q}`,
      bare: `/invoices?q=${q}`,
      headers: admin,
    },
    ...(["billing", "invoices", "usage", "members"] as const).map((page) => ({
      name: `/w/<team>/${page}`,
      tollgate: `/w/${f.slug}/${page}`,
      bare: account,
      headers: owner,
    })),
    {
      name: "GET /api/usage (API key)",
      tollgate: "/api/usage",
      bare: `/api/json?w=${f.slug}`,
      headers: { authorization: `Bearer ${f.apiKey}` },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Servers

function build(name: string, cwd: string): void {
  err(`building ${name} (next build)…`);
  const started = performance.now();
  const result = spawnSync(process.execPath, [nextBin, "build"], {
    cwd,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`next build of ${name} failed`);
  err(`  built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

interface Server {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** `next start` in `cwd` with `env`, its output in a log file; up once `readyPath` answers 200. */
async function startServer(
  name: string,
  {
    cwd,
    port,
    env,
    readyPath,
  }: { cwd: string; port: number; env: Record<string, string>; readyPath: string },
): Promise<Server> {
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(
    process.execPath,
    [nextBin, "start", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd,
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not start`);
  const url = `http://127.0.0.1:${port}`;
  const server: Server = {
    name,
    url,
    pid,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      if (!(await Promise.race([exited.then(() => true), sleep(10_000, false)]))) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
  try {
    await waitForOk(`${url}${readyPath}`, { timeoutMs: 120_000 });
  } catch (error) {
    await server.stop();
    throw new Error(`${name} did not start (see ${logFile}): ${(error as Error).message}`);
  }
  return server;
}

// ---------------------------------------------------------------------------------------------
// Measuring and printing

interface Figures {
  perSecond: number;
  ms: number[];
}

function figures(samples: Sample[]): Figures {
  const requests = samples.reduce((sum, sample) => sum + sample.ms.length, 0);
  const seconds = samples.reduce((sum, sample) => sum + sample.seconds, 0);
  return { perSecond: requests / seconds, ms: samples.flatMap((sample) => sample.ms) };
}

interface Row {
  pair: PagePair;
  clients: number;
  tollgate: Figures;
  bare: Figures;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

const rate = (value: number) => value.toFixed(value < 10 ? 1 : 0);
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 1 : 0) : "—");
const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

function speedTable(rows: Row[]): string {
  return table(
    [
      "page",
      "clients",
      "Tollgate req/s",
      "p50",
      "p95",
      "p99",
      "bare page",
      "bare req/s",
      "p50",
      "p95",
      "p99",
      "ratio",
    ],
    rows.map(({ pair, clients, tollgate, bare }) => [
      pair.name,
      String(clients),
      rate(tollgate.perSecond),
      ms(percentile(tollgate.ms, 0.5)),
      ms(percentile(tollgate.ms, 0.95)),
      ms(percentile(tollgate.ms, 0.99)),
      pair.bare.replace(/cursor=[\w-]+/, "cursor=…").replace(/q=[^&]+/, "q=<email>"),
      rate(bare.perSecond),
      ms(percentile(bare.ms, 0.5)),
      ms(percentile(bare.ms, 0.95)),
      ms(percentile(bare.ms, 0.99)),
      (tollgate.perSecond / bare.perSecond).toFixed(2),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// The run

const started = performance.now();
const bench = await openBenchDatabase();
const cleanups: (() => Promise<void>)[] = [];
try {
  if (bench.kind !== "postgres") throw new Error("bench:pages needs a Postgres server");
  const databaseUrl = process.env.DATABASE_URL || `postgres://postgres@${bench.location}`;
  const [{ n } = { n: 0 }] = await bench.rows<{ n: unknown }>("select count(*) as n from invoices");
  let total = Number(n);
  if (total === 0) {
    const seeding = performance.now();
    err(
      `database ${bench.location}: seeding ${count(INVOICES)} invoices over ${count(CUSTOMERS)} customers…`,
    );
    await seed(bench, { invoices: INVOICES, customers: CUSTOMERS }, err);
    err(`  seeded in ${((performance.now() - seeding) / 1000).toFixed(0)} s`);
    total = INVOICES;
  }
  const f = await fixtures(bench, total);
  const pairs = pagePairs(f);

  if (!args["no-build"] || !existsSync(path.join(root, ".next/BUILD_ID"))) build("Tollgate", root);
  if (!args["no-build"] || !existsSync(path.join(bareDir, ".next/BUILD_ID"))) {
    build("the bare app", bareDir);
  }

  const emulator = await startEmulator({
    port: 0,
    onError: (message) => err(`[stripe] ${message}`),
  });
  cleanups.push(() => emulator.close());
  const tollgatePort = await freePort();
  const tollgate = await startServer("tollgate", {
    cwd: root,
    port: tollgatePort,
    readyPath: "/api/health",
    env: {
      LOG_LEVEL: "warn",
      DATABASE_URL: databaseUrl,
      FRONTEND_URL: `http://127.0.0.1:${tollgatePort}`,
      AUTH_SECRET,
      STRIPE_SECRET_KEY: emulator.secretKey,
      STRIPE_PUBLISHABLE_KEY: emulator.publishableKey,
      STRIPE_API_BASE: emulator.url,
      STRIPE_WEBHOOK_SECRET: "whsec_bench_pages",
      ALLOW_STRIPE_EMULATOR: "true",
      WORKER_IN_APP: "false",
      TRUSTED_PROXY_HOPS: "0",
    },
  });
  cleanups.push(() => tollgate.stop());
  const bare = await startServer("bare", {
    cwd: bareDir,
    port: await freePort(),
    readyPath: "/",
    env: { DATABASE_URL: databaseUrl },
  });
  cleanups.push(() => bare.stop());
  const idle = { tollgate: treeRss(tollgate.pid), bare: treeRss(bare.pid) };
  err(`servers up: Tollgate ${tollgate.url}, bare ${bare.url}`);

  const target = (server: Server, pathname: string, headers: Record<string, string>): Target => ({
    url: `${server.url}${pathname}`,
    headers,
  });

  // Warm-up (and a check that every page answers 200), the weights, and Stripe calls per load.
  const weights = new Map<PagePair, { tollgate: Weight; bare: Weight; stripeCalls: number }>();
  for (const pair of pairs) {
    const t = target(tollgate, pair.tollgate, pair.headers);
    const b = target(bare, pair.bare, {});
    await load(t, { clients: 2, seconds: 0, minRequests: 6, maxSeconds: 60 });
    await load(b, { clients: 2, seconds: 0, minRequests: 6, maxSeconds: 60 });
    emulator.traffic.clearCounts();
    const tollgateWeight = await weigh(t);
    const traffic = emulator.traffic.report();
    weights.set(pair, {
      tollgate: tollgateWeight,
      bare: await weigh(b),
      stripeCalls: traffic.reads + traffic.writes,
    });
  }

  const samplers = { tollgate: rssSampler(tollgate.pid), bare: rssSampler(bare.pid) };
  cleanups.push(async () => {
    samplers.tollgate.stop();
    samplers.bare.stop();
  });
  const rows: Row[] = [];
  for (const clients of CLIENTS) {
    for (const pair of pairs) {
      const samples = { tollgate: [] as Sample[], bare: [] as Sample[] };
      const options = {
        clients,
        seconds: SECONDS,
        minRequests: MIN_REQUESTS,
        maxSeconds: MAX_SECONDS,
      };
      for (let round = 0; round < ROUNDS; round += 1) {
        err(`${pair.name}, ${clients} client(s), round ${round + 1}/${ROUNDS}…`);
        // Alternating who goes first, so neither always follows the other's load.
        const order =
          round % 2 === 0 ? (["tollgate", "bare"] as const) : (["bare", "tollgate"] as const);
        for (const side of order) {
          const server = side === "tollgate" ? tollgate : bare;
          const pathname = side === "tollgate" ? pair.tollgate : pair.bare;
          const headers = side === "tollgate" ? pair.headers : {};
          samples[side].push(await load(target(server, pathname, headers), options));
        }
      }
      rows.push({
        pair,
        clients,
        tollgate: figures(samples.tollgate),
        bare: figures(samples.bare),
      });
    }
  }
  const peak = { tollgate: samplers.tollgate.peak(), bare: samplers.bare.peak() };

  const [{ version } = { version: "?" }] = await bench.rows<{ version: string }>(
    "select current_setting('server_version') as version",
  );
  out(
    `\nPages bench — ${count(total)} invoices over ${count(CUSTOMERS)} customers on Postgres ${version}; ` +
      `customer: owner of ${f.slug}; ${ROUNDS} round(s) of ≥ ${SECONDS} s (≥ ${MIN_REQUESTS} requests, ≤ ${MAX_SECONDS} s) ` +
      "per page, client count and app, alternating; ratio = Tollgate req/s ÷ bare req/s; " +
      "latency in ms to the last body byte\n",
  );
  out(speedTable(rows));
  out("");
  out(
    table(
      ["page", "Tollgate gzip", "decoded", "bare gzip", "decoded", "Stripe calls per load"],
      pairs.map((pair) => {
        const weight = weights.get(pair);
        return [
          pair.name,
          weight ? kb(weight.tollgate.wire) : "—",
          weight ? kb(weight.tollgate.decoded) : "—",
          weight ? kb(weight.bare.wire) : "—",
          weight ? kb(weight.bare.decoded) : "—",
          String(weight?.stripeCalls ?? "—"),
        ];
      }),
    ),
  );
  out("");
  out(
    "(bytes: the response body of one load, as sent with gzip and decoded; Stripe calls: the " +
      "emulator's count during that load — it answers 404 for the seeded subscriptions, so a " +
      "page that would go on to a second call stops at one)\n",
  );
  out(
    table(
      ["server (whole process tree)", "idle RSS", "peak RSS"],
      [
        ["Tollgate (next start)", mb(idle.tollgate), mb(peak.tollgate)],
        ["bare (next start)", mb(idle.bare), mb(peak.bare)],
      ],
    ),
  );
  out(`servers' logs: ${logDir}`);
  out(`\ntook ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (args.keep) out(`kept: ${bench.location}`);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await bench.close(args.keep);
}
