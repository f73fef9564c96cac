/**
 * `npx tsx bench/admin-invoices.ts [--invoices 1000000] [--customers 10000] [--runs 15] [--keep]
 * [--skip-export]`: the admin invoice queries, the customer (workspace) list and page, and the
 * dashboard metrics at a million invoices.
 *
 * Seeds a database (see support/database.ts for which one; DATABASE_URL is seeded only when its
 * invoices table is empty, else its rows are measured as they are), then times each query
 * through the app code against the same statements sent bare through the same driver, and
 * prints the medians with their ratio, the plans' scans, and a full CSV export's throughput and
 * memory. The database it created is dropped at the end unless --keep.
 */
import { register } from "node:module";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { type BenchDatabase, openBenchDatabase } from "./support/database";
import {
  formatResults,
  type Measurement,
  measure,
  measurement,
  type Result,
} from "./support/measure";
import { NOW, seed } from "./support/seed";

// lib/ modules import "server-only", which throws outside React Server Components; resolve it
// as Next resolves it for server code (the "react-server" condition: an empty module).
const serverOnlyHooks = `export async function resolve(specifier, context, next) {
  return specifier === "server-only"
    ? next(specifier, { ...context, conditions: [...context.conditions, "react-server"] })
    : next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(serverOnlyHooks)}`);
const { invoiceTotals, listInvoices, streamInvoicesCsv } = await import("../lib/admin/invoices");
const { encodeCursor } = await import("../lib/http/cursor");
const metrics = await import("../lib/admin/metrics");
const { listCustomers } = await import("../lib/admin/customer-list");
const { getCustomerDetail } = await import("../lib/admin/customers");

const { values: args } = parseArgs({
  options: {
    invoices: { type: "string", default: "1000000" },
    customers: { type: "string", default: "10000" },
    runs: { type: "string", default: "15" },
    keep: { type: "boolean", default: false },
    "skip-export": { type: "boolean", default: false },
  },
});
const wholeArg = (name: string, value: string) => {
  const number = Number(value.replaceAll("_", ""));
  if (!Number.isSafeInteger(number) || number < 1) throw new Error(`--${name} must be > 0`);
  return number;
};
const INVOICES = wholeArg("invoices", args.invoices);
const CUSTOMERS = wholeArg("customers", args.customers);
const RUNS = wholeArg("runs", args.runs);

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(`${text}\n`);
const count = (value: number) => value.toLocaleString("en-US");
const rows = (page: { rows: unknown[] }) => `${page.rows.length} rows`;
const customerRows = (page: { data: unknown[] }) => `${page.data.length} workspaces`;
const currencies = (totals: unknown[]) =>
  `${totals.length} ${totals.length === 1 ? "currency" : "currencies"}`;

async function invoiceCount(bench: BenchDatabase): Promise<number> {
  const [row] = await bench.rows<{ n: unknown }>("select count(*) as n from invoices");
  return Number(row?.n ?? 0);
}

/** The cursor of the row at `offset` in list order, found in one statement. */
async function cursorAt(bench: BenchDatabase, offset: number): Promise<string> {
  const [row] = await bench.rows<{ created: string; id: string }>(
    `select to_char(created at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created,
       id::text as id
     from invoices order by invoices.created desc nulls last, invoices.id desc nulls last
     offset $1 limit 1`,
    [offset],
  );
  if (!row) throw new Error(`no invoice at offset ${offset}`);
  return encodeCursor({ at: row.created, id: row.id });
}

/**
 * A customer's email as an admin might type it, the beginning of their invoice numbers, and a
 * team workspace with members (support/seed.ts: customer c is a team when c % 5 = 0).
 */
async function sampleCustomer(bench: BenchDatabase, total: number) {
  const c = Math.max(1, Math.min(4242, total));
  const teamC = Math.max(5, Math.min(4240, total - (total % 5)));
  const [team] = await bench.rows<{ id: string }>(
    "select id::text as id from workspaces where slug = $1",
    [`team-${teamC}`],
  );
  return {
    email: `CUSTOMER${c}@bench.example`,
    numberPrefix: `bench${String(c).padStart(5, "0")}`,
    team: `team-${teamC}`,
    teamId: team?.id ?? "00000000-0000-0000-0000-000000000000",
  };
}

/** Everything timed: the admin invoice page's queries, then the dashboard's metrics. */
async function measurements(bench: BenchDatabase, total: number): Promise<Measurement[]> {
  const deep = Math.max(0, Math.floor(total * 0.9) - 1);
  const deepCursor = await cursorAt(bench, deep);
  const customer = await sampleCustomer(bench, CUSTOMERS);
  const invoicePage: Measurement[] = [
    measurement("list: first page", (db) => listInvoices(db, {}), rows),
    measurement(
      `list: page after row ${count(deep + 1)}`,
      (db) => listInvoices(db, { cursor: deepCursor }),
      rows,
    ),
    measurement("list: status=open", (db) => listInvoices(db, { status: "open" }), rows),
    measurement("list: plan=enterprise", (db) => listInvoices(db, { plan: "enterprise" }), rows),
    measurement(
      "list: one day",
      (db) => listInvoices(db, { from: "2026-05-31", to: "2026-05-31" }),
      rows,
    ),
    measurement(
      `search: email ${customer.email}`,
      (db) => listInvoices(db, { q: customer.email }),
      rows,
    ),
    measurement(
      `search: number ${customer.numberPrefix}…`,
      (db) => listInvoices(db, { q: customer.numberPrefix }),
      rows,
    ),
    measurement("totals: no filter", (db) => invoiceTotals(db, {}), currencies),
    measurement("totals: status=open", (db) => invoiceTotals(db, { status: "open" }), currencies),
    measurement("totals: email", (db) => invoiceTotals(db, { q: customer.email }), currencies),
  ];
  const customerPage: Measurement[] = [
    measurement("customers: first page", (db) => listCustomers(db, { now: NOW }), customerRows),
    measurement(
      `customers: member email ${customer.email}`,
      (db) => listCustomers(db, { query: customer.email, now: NOW }),
      customerRows,
    ),
    measurement(`customers: team workspace ${customer.team}`, async (db) => {
      const detail = await getCustomerDetail(db, {
        workspaceId: customer.teamId,
        now: NOW,
        gracePeriodDays: 3,
      });
      return `${detail?.memberCount ?? 0} members, ${detail?.invoices.length ?? 0} invoices`;
    }),
  ];
  const dashboard: Measurement[] = [
    measurement("metrics: subscriptions", (db) => metrics.getSubscriptionMetrics(db, NOW)),
    measurement("metrics: MRR series", (db) => metrics.getMrrSeries(db, NOW)),
    measurement("metrics: churn", (db) => metrics.getChurn(db, NOW)),
    measurement("metrics: revenue this month", (db) => metrics.getRevenueThisMonth(db, NOW)),
    measurement("metrics: failed payments", (db) => metrics.getFailedPayments(db, NOW)),
    measurement("metrics: whole dashboard", (db) => metrics.getDashboardMetrics(db, NOW)),
  ];
  return [...invoicePage, ...customerPage, ...dashboard];
}

/** Streams the whole CSV export once: time, size, and how far memory grew while it ran. */
async function measureExport(bench: BenchDatabase): Promise<string> {
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  let bytes = 0;
  let lines = 0;
  const start = performance.now();
  const reader = streamInvoicesCsv(bench.db, {}).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const byte of value) if (byte === 10) lines += 1;
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }
  const seconds = (performance.now() - start) / 1000;
  const mb = (value: number) => (value / 1024 / 1024).toFixed(1);
  return (
    `CSV export of every invoice: ${count(lines - 1)} rows, ${mb(bytes)} MB in ${seconds.toFixed(1)} s ` +
    `(${count(Math.round((lines - 1) / seconds))} rows/s); peak JS heap ${mb(peakHeap)} MB ` +
    `(+${mb(peakHeap - before.heapUsed)} MB), peak resident ${mb(peakRss)} MB ` +
    `(+${mb(peakRss - before.rss)} MB)\n`
  );
}

const bench = await openBenchDatabase();
try {
  err(`database: ${bench.kind} ${bench.location}`);
  let total = await invoiceCount(bench);
  let seeded = "existing rows, not seeded";
  if (total === 0) {
    const start = performance.now();
    err(`seeding ${count(INVOICES)} invoices over ${count(CUSTOMERS)} customers…`);
    await seed(bench, { invoices: INVOICES, customers: CUSTOMERS }, err);
    seeded = `seeded and analyzed in ${((performance.now() - start) / 1000).toFixed(1)} s`;
    total = await invoiceCount(bench);
  }
  const results: Result[] = [];
  for (const item of await measurements(bench, total)) {
    err(`measuring ${item.name}…`);
    results.push(await measure(bench, item, RUNS));
  }
  out(
    `Admin invoices bench — ${bench.kind} ${bench.location}\n` +
      `${count(total)} invoices (${seeded}); median of ${RUNS} runs after 2 warm-up runs; ` +
      "bare = the same statements through the same driver connection\n\n",
  );
  out(formatResults(results));
  if (!args["skip-export"]) out(`\n${await measureExport(bench)}`);
  if (args.keep) out(`\nkept: ${bench.location}\n`);
} finally {
  await bench.close(args.keep);
}
