/**
 * Rewrites a migration drizzle-kit generated so that it does not lock a busy table for long:
 * on tables that already exist, indexes are built and dropped `CONCURRENTLY` (no write lock
 * while the index builds), and new CHECK and FOREIGN KEY constraints are added `NOT VALID`
 * and validated right after (the check of existing rows takes no write lock). The order of the
 * statements is kept (an index dropped and built again under the same name stays built);
 * db/migrate.ts runs each online statement alone, outside the transactions of the statements
 * around it. Tables the migration creates itself are empty: their statements stay as they are.
 *
 * Pure and idempotent: rewriting a rewritten migration changes nothing.
 */

export const STATEMENT_BREAKPOINT = "--> statement-breakpoint";

const CREATE_TABLE = /^\s*create\s+table\s+(?:if\s+not\s+exists\s+)?((?:"[^"]+"\.)?"[^"]+")/i;
const CREATE_INDEX =
  /^(\s*create\s+(?:unique\s+)?index)\s+(?!concurrently\b)(?:if\s+not\s+exists\s+)?("[^"]+")\s+on\s+(?:only\s+)?((?:"[^"]+"\.)?"[^"]+")/i;
const DROP_INDEX =
  /^(\s*drop\s+index)\s+(?!concurrently\b)(?:if\s+exists\s+)?((?:"[^"]+"\.)?"[^"]+")/i;
const ADD_CONSTRAINT =
  /^\s*alter\s+table\s+(?:only\s+)?((?:"[^"]+"\.)?"[^"]+")\s+add\s+constraint\s+("[^"]+")\s+(check|foreign\s+key)\b/i;

function withoutSemicolon(statement: string): string {
  return statement.trim().replace(/;\s*$/, "");
}

export function rewriteMigrationOnline(source: string): string {
  const statements = source
    .split(STATEMENT_BREAKPOINT)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
  const created = new Set(
    statements.flatMap((statement) => {
      const table = CREATE_TABLE.exec(statement)?.[1];
      return table ? [table] : [];
    }),
  );

  const rewritten = statements.flatMap((statement) => {
    const index = CREATE_INDEX.exec(statement);
    if (index && !created.has(index[3] ?? "")) {
      const [whole, head = "", name = ""] = index;
      const rest = statement.slice(whole.length - (index[3]?.length ?? 0));
      return [`${head.trim()} CONCURRENTLY IF NOT EXISTS ${name} ON ${rest.trim()}`];
    }
    const dropped = DROP_INDEX.exec(statement);
    if (dropped) return [`${dropped[1]?.trim()} CONCURRENTLY IF EXISTS ${dropped[2]};`];
    const constraint = ADD_CONSTRAINT.exec(statement);
    if (constraint && !created.has(constraint[1] ?? "") && !/\bnot\s+valid\b/i.test(statement)) {
      return [
        `${withoutSemicolon(statement)} NOT VALID;`,
        `ALTER TABLE ${constraint[1]} VALIDATE CONSTRAINT ${constraint[2]};`,
      ];
    }
    return [statement];
  });
  return `${rewritten.join(`\n${STATEMENT_BREAKPOINT}\n`)}\n`;
}
