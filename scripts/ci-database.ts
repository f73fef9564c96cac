/**
 * For CI: `create` makes a fresh database on the Postgres server at CI_POSTGRES_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) and prints its URL, or prints nothing when no
 * server answers; `drop <url>` removes it again.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";

const serverUrl = process.env.CI_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const [command, target] = process.argv.slice(2);

async function withServer<T>(run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(serverUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

if (command === "create") {
  const name = `tollgate_ci_${Date.now()}_${randomBytes(3).toString("hex")}`;
  try {
    await withServer((sql) => sql.unsafe(`create database "${name}"`));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    process.stdout.write(`${url.toString()}\n`);
  } catch (error) {
    process.stderr.write(
      `No Postgres server for CI (${(error as Error).message}); using PGlite.\n`,
    );
  }
} else if (command === "drop" && target) {
  const name = new URL(target).pathname.slice(1);
  if (!/^tollgate_ci_\w+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  await withServer((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
} else {
  process.stderr.write("usage: ci-database.ts create | drop <url>\n");
  process.exit(2);
}
