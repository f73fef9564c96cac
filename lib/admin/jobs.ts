import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { type Database, selectRows } from "@/db";
import { JOB_SCHEMA } from "@/db/job-schema";
import { QUEUES, type QueueDefinition } from "@/lib/jobs/queues";

/**
 * The admin view of the job engine, read from pg-boss's own job table (`pgboss.job`, one
 * partition per queue) for the queues Tollgate defines (lib/jobs/queues.ts); jobs of any other
 * queue are not shown. pg-boss 10 keeps no per-queue counters, and its archive (a week of
 * finished jobs) is never read here: what the job table holds is bounded by the engine's archive
 * delays (lib/jobs/engine.ts), so these queries pass over at most that much, as pg-boss's own
 * state monitor does.
 */

/** pg-boss's job states, in the order of its enum. */
export const JOB_STATES = [
  "created",
  "retry",
  "active",
  "completed",
  "cancelled",
  "failed",
] as const;
export type JobState = (typeof JOB_STATES)[number];

export type JobCounts = Record<JobState, number>;

export interface QueueOverview
  extends Pick<QueueDefinition, "name" | "description" | "policy" | "retryLimit" | "cron"> {
  /** Jobs of the queue in the job table, by state (archived ones are not counted). */
  counts: JobCounts;
}

/** A job whose retries are spent: it stays `failed` until an admin retries it or it is archived. */
export interface DeadJob {
  id: string;
  queue: string;
  failedAt: Date;
  /** Runs after the first; equal to `retryLimit` for a job that died of its own failures. */
  retryCount: number;
  retryLimit: number;
  /** What the job's failure left in its output: the error message, at most `MESSAGE_LIMIT` long. */
  message: string | null;
  /** The job data's id fields (string values of keys ending in "Id"); nothing else of the data. */
  ids: Record<string, string>;
}

export const DEAD_JOBS_LIMIT = 20;
export const MESSAGE_LIMIT = 300;
/** Longer id values are cut: an id is short, anything longer is not one worth showing whole. */
const ID_LIMIT = 100;

const jobTable = sql`${sql.identifier(JOB_SCHEMA)}.job`;

function knownQueues(): SQL {
  return sql.join(
    QUEUES.map((queue) => sql`${queue.name}`),
    sql`, `,
  );
}

function emptyCounts(): JobCounts {
  return { created: 0, retry: 0, active: 0, completed: 0, cancelled: 0, failed: 0 };
}

function isJobState(value: unknown): value is JobState {
  return typeof value === "string" && (JOB_STATES as readonly string[]).includes(value);
}

/** Every queue of lib/jobs/queues.ts, in its order, with its jobs counted by state. */
export async function getQueueOverview(db: Database): Promise<QueueOverview[]> {
  const rows = await selectRows<{ name: unknown; state: unknown; count: unknown }>(
    db,
    sql`select name, state::text as state, count(*)::int as count
      from ${jobTable}
      where name in (${knownQueues()})
      group by name, state`,
  );
  const counts = new Map(QUEUES.map((queue) => [queue.name, emptyCounts()]));
  for (const row of rows) {
    const queueCounts = counts.get(String(row.name));
    if (queueCounts && isJobState(row.state)) queueCounts[row.state] = Number(row.count);
  }
  return QUEUES.map(({ name, description, policy, retryLimit, cron }) => ({
    name,
    description,
    policy,
    retryLimit,
    cron,
    counts: counts.get(name) ?? emptyCounts(),
  }));
}

/**
 * The most recent dead jobs across the queues, newest failure first. The message is the one the
 * worker stored (`{ message }`), or pg-boss's own for a job whose worker died (`{ value: {
 * message } }`), else the output as JSON; the job's data is not read beyond its id fields.
 */
export async function listDeadJobs(
  db: Database,
  { limit = DEAD_JOBS_LIMIT }: { limit?: number } = {},
): Promise<DeadJob[]> {
  const rows = await selectRows<{
    id: unknown;
    queue: unknown;
    failedAt: unknown;
    retryCount: unknown;
    retryLimit: unknown;
    message: unknown;
    ids: unknown;
  }>(
    db,
    sql`select id::text as id, name as queue,
        floor(extract(epoch from completed_on) * 1000)::bigint as "failedAt",
        retry_count as "retryCount", retry_limit as "retryLimit",
        left(coalesce(output ->> 'message', output -> 'value' ->> 'message', output::text),
             ${MESSAGE_LIMIT + 1}) as message,
        (select jsonb_object_agg(field.key, left(field.value #>> '{}', ${ID_LIMIT}))::text
           from jsonb_each(case when jsonb_typeof(data) = 'object' then data end) as field
           where field.key ~ 'Id$' and jsonb_typeof(field.value) = 'string') as ids
      from ${jobTable}
      where name in (${knownQueues()}) and state = 'failed'
      order by completed_on desc, id
      limit ${limit}`,
  );
  return rows.map((row) => ({
    id: String(row.id),
    queue: String(row.queue),
    failedAt: new Date(Number(row.failedAt)),
    retryCount: Number(row.retryCount),
    retryLimit: Number(row.retryLimit),
    message: truncated(row.message),
    ids: idsOf(row.ids),
  }));
}

function truncated(message: unknown): string | null {
  if (typeof message !== "string" || message === "") return null;
  return message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT)}…` : message;
}

function idsOf(text: unknown): Record<string, string> {
  if (typeof text !== "string") return {};
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== "object") return {};
  return Object.fromEntries(
    Object.entries(parsed).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}
