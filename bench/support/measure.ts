/**
 * Timing: each measurement runs through the app, then its statements (captured on the first
 * run) run bare through the same driver connection; both are timed the same way and reported
 * as medians, side by side, with their ratio and the scans of the query plans.
 */
import { performance } from "node:perf_hooks";
import type { Database } from "../../db";
import type { BenchDatabase, Statement } from "./database";

export interface Measurement {
  readonly name: string;
  /** Runs the app code once; answers a short description of the result ("50 rows"). */
  run(db: Database): Promise<string>;
}

/** A measurement of `run`, described by `summarize` (the default says nothing). */
export function measurement<T>(
  name: string,
  run: (db: Database) => Promise<T>,
  summarize: (result: T) => string = () => "",
): Measurement {
  return { name, run: async (db) => summarize(await run(db)) };
}

export interface Result {
  name: string;
  appMs: number;
  bareMs: number;
  statements: number;
  result: string;
  /** The scans of each statement's plan: "Index Scan invoices_created_id_idx". */
  plans: string[];
}

const WARM_UP = 2;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

interface PlanNode {
  "Node Type"?: string;
  "Index Name"?: string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

function scans(node: PlanNode, into: string[]): string[] {
  const type = node["Node Type"] ?? "";
  if (type.includes("Scan") && (node["Index Name"] || node["Relation Name"])) {
    into.push(`${type} ${node["Index Name"] ?? node["Relation Name"]}`);
  }
  for (const child of node.Plans ?? []) scans(child, into);
  return into;
}

async function planOf(bench: BenchDatabase, statement: Statement): Promise<string> {
  const [row] = await bench.rows<Record<string, unknown>>(
    `explain (format json) ${statement.text}`,
    statement.params,
  );
  const raw = row ? Object.values(row)[0] : undefined;
  const plan = (typeof raw === "string" ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }];
  return [...new Set(scans(plan[0].Plan, []))].join(", ");
}

export async function measure(
  bench: BenchDatabase,
  item: Measurement,
  runs: number,
): Promise<Result> {
  const statements: Statement[] = [];
  bench.onStatement = (statement) => statements.push(statement);
  const result = await item.run(bench.db);
  bench.onStatement = null;

  const bare = async () => {
    for (const statement of statements) await bench.bare(statement);
  };
  for (let i = 0; i < WARM_UP; i += 1) {
    await item.run(bench.db);
    await bare();
  }
  const appTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    appTimes.push(await timed(() => item.run(bench.db)));
    bareTimes.push(await timed(bare));
  }
  const plans: string[] = [];
  for (const statement of statements) plans.push(await planOf(bench, statement));
  return {
    name: item.name,
    appMs: median(appTimes),
    bareMs: median(bareTimes),
    statements: statements.length,
    result,
    plans,
  };
}

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

/** The results as a plain-text table, then the plans. */
export function formatResults(results: Result[]): string {
  const header = ["measurement", "app ms", "bare ms", "ratio", "stmts", "result"];
  const rows = results.map((result) => [
    result.name,
    ms(result.appMs),
    ms(result.bareMs),
    `${(result.appMs / result.bareMs).toFixed(2)}x`,
    String(result.statements),
    result.result,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 || column === cells.length - 1
          ? cell.padEnd(widths[column] ?? 0)
          : cell.padStart(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const table = [line(header), ...rows.map(line)].join("\n");
  const plans = results
    .map((result) => `  ${result.name}: ${result.plans.join(" | ") || "(no statement)"}`)
    .join("\n");
  return `${table}\n\nplans (scans per statement):\n${plans}\n`;
}
