/**
 * `npm run db:generate [-- --name what_it_does]`: drizzle-kit writes the migration for a change
 * to db/schema.ts, then each migration it added is rewritten to run online on a live database
 * (db/online-migration.ts: indexes CONCURRENTLY, constraints NOT VALID then VALIDATE).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { rewriteMigrationOnline } from "../db/online-migration";

const folder = path.join(process.cwd(), "drizzle");
const journalTags = (): string[] =>
  (
    JSON.parse(readFileSync(path.join(folder, "meta", "_journal.json"), "utf8")) as {
      entries: { tag: string }[];
    }
  ).entries.map((entry) => entry.tag);

const before = new Set(journalTags());
const run = spawnSync("npx", ["drizzle-kit", "generate", ...process.argv.slice(2)], {
  stdio: "inherit",
});
if (run.status !== 0) process.exit(run.status ?? 1);

for (const tag of journalTags().filter((tag) => !before.has(tag))) {
  const file = path.join(folder, `${tag}.sql`);
  const original = readFileSync(file, "utf8");
  const online = rewriteMigrationOnline(original);
  if (online !== original) {
    writeFileSync(file, online);
    process.stdout.write(`Rewrote ${tag}.sql to run online (CONCURRENTLY, NOT VALID + VALIDATE)\n`);
  }
}
