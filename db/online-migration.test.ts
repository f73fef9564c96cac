import { describe, expect, it } from "vitest";
import { rewriteMigrationOnline, STATEMENT_BREAKPOINT } from "./online-migration";

/** A migration as drizzle-kit writes it: statements joined by its breakpoint marker. */
const generated = (...statements: string[]) => statements.join(`${STATEMENT_BREAKPOINT}\n`);
const statementsOf = (text: string) =>
  text
    .split(STATEMENT_BREAKPOINT)
    .map((s) => s.trim())
    .filter(Boolean);

describe("rewriteMigrationOnline", () => {
  it("builds indexes on existing tables concurrently, in the order they were written", () => {
    const out = statementsOf(
      rewriteMigrationOnline(
        generated(
          'CREATE INDEX "invoices_x_idx" ON "invoices" USING btree ("x");',
          'ALTER TABLE "invoices" ADD COLUMN "x" text;',
          'CREATE UNIQUE INDEX "invoices_y_idx" ON "invoices" USING btree ("y");',
        ),
      ),
    );
    expect(out).toEqual([
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "invoices_x_idx" ON "invoices" USING btree ("x");',
      'ALTER TABLE "invoices" ADD COLUMN "x" text;',
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "invoices_y_idx" ON "invoices" USING btree ("y");',
    ]);
  });

  it("adds checks and foreign keys to existing tables NOT VALID, each validated right after", () => {
    const out = statementsOf(
      rewriteMigrationOnline(
        generated(
          `ALTER TABLE "user" ADD CONSTRAINT "user_v_check" CHECK ("user"."v" >= 0);`,
          `ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_w_fk" FOREIGN KEY ("w") REFERENCES "public"."w"("id") ON DELETE cascade ON UPDATE no action;`,
        ),
      ),
    );
    expect(out).toEqual([
      `ALTER TABLE "user" ADD CONSTRAINT "user_v_check" CHECK ("user"."v" >= 0) NOT VALID;`,
      `ALTER TABLE "user" VALIDATE CONSTRAINT "user_v_check";`,
      `ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_w_fk" FOREIGN KEY ("w") REFERENCES "public"."w"("id") ON DELETE cascade ON UPDATE no action NOT VALID;`,
      `ALTER TABLE "api_keys" VALIDATE CONSTRAINT "api_keys_w_fk";`,
    ]);
  });

  it("leaves the statements about a table the migration creates as they are", () => {
    const source = generated(
      'CREATE TABLE "leases" ("name" text PRIMARY KEY NOT NULL, "n" integer);',
      'CREATE INDEX "leases_n_idx" ON "leases" USING btree ("n");',
      `ALTER TABLE "leases" ADD CONSTRAINT "leases_n_check" CHECK ("leases"."n" > 0);`,
    );
    expect(statementsOf(rewriteMigrationOnline(source))).toEqual(statementsOf(source));
  });

  it("drops indexes concurrently, so an index redefined under its name is dropped before it is built", () => {
    expect(
      statementsOf(
        rewriteMigrationOnline(
          generated('DROP INDEX "a_idx";', 'CREATE INDEX "a_idx" ON "a" USING btree ("x","y");'),
        ),
      ),
    ).toEqual([
      'DROP INDEX CONCURRENTLY IF EXISTS "a_idx";',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "a_idx" ON "a" USING btree ("x","y");',
    ]);
  });

  it("changes nothing in a migration it already rewrote", () => {
    const once = rewriteMigrationOnline(
      generated(
        'CREATE INDEX "a_idx" ON "a" USING btree ("x");',
        `ALTER TABLE "a" ADD CONSTRAINT "a_check" CHECK ("a"."x" > 0);`,
        'ALTER TABLE "a" ADD COLUMN "y" text;',
      ),
    );
    expect(rewriteMigrationOnline(once)).toBe(once);
  });
});
