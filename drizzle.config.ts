import { defineConfig } from "drizzle-kit";

// Generation only needs the schema; `npm run db:migrate` applies migrations through db/migrate.ts
// so that both database paths (PGlite and Postgres) share one code path.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./drizzle",
  strict: true,
  verbose: true,
});
