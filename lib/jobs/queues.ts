/**
 * Tollgate's background work: one pg-boss queue per kind of job, in the database's `pgboss`
 * schema. Run by `npm run worker` (any number of them), beside the app in `npm run dev`, or for
 * N seconds at a time by the cron route (lib/jobs/worker.ts). A job that throws is retried with
 * backoff up to its queue's `retryLimit`; then it stays `failed` (the dead letters), shown on
 * /admin/jobs, where an admin can retry it.
 *
 * Policies (pg-boss): `short` keeps at most one job of a key waiting (a burst of sends makes one
 * job); `stately` keeps at most one waiting and one running, so a periodic job never runs
 * twice at once nor piles up behind a slow run, and two jobs of one key never run at once.
 *
 * Pure data, without `server-only`: the worker script and README read it too.
 */
import type PgBoss from "pg-boss";

export interface QueueDefinition {
  name: string;
  /** What the job does (README, /admin/jobs). */
  description: string;
  policy: PgBoss.QueuePolicy;
  retryLimit: number;
  /** Seconds before the first retry; doubled (with jitter) for each next one. */
  retryDelay: number;
  /** A running job not finished after this long is failed (its worker died) and retried. */
  expireInSeconds: number;
  /** Cron (UTC) on which the job is sent; none: sent by the app when there is work. */
  cron?: string;
  /** Jobs of this queue one worker process runs at once. */
  concurrency: number;
  /** How often an idle worker looks for jobs of this queue. */
  pollMs: number;
}

export const STRIPE_EVENTS_QUEUE = "stripe-events";
export const USAGE_FLUSH_QUEUE = "usage-flush";
export const RECONCILE_QUEUE = "billing-reconcile";
export const RECONCILE_CUSTOMER_QUEUE = "billing-reconcile-customer";
export const WEBHOOK_REPLAY_QUEUE = "webhook-replay";
export const RATE_LIMIT_CLEANUP_QUEUE = "rate-limit-cleanup";
export const WORKSPACE_SEATS_QUEUE = "workspace-seats";

/**
 * How long a customer's job waits after the first event of a burst before it fetches, so the
 * events Stripe sends together (a renewal makes five to seven within a second or two) are
 * applied by one fetch.
 */
export const STRIPE_EVENTS_DELAY_MS = 2_000;

/**
 * How long a workspace's seat job waits after the membership change that asked for it, so the
 * changes made together (several invitations accepted, members removed one after another) are
 * sent to Stripe as one quantity change.
 */
export const WORKSPACE_SEATS_DELAY_MS = 2_000;

export const QUEUES: readonly QueueDefinition[] = [
  {
    name: STRIPE_EVENTS_QUEUE,
    description:
      "Applies a customer's webhook events waiting on the ledger: one Stripe fetch of the " +
      "customer for every event received before it started (one job per customer at a time).",
    policy: "short",
    retryLimit: 10,
    retryDelay: 5,
    expireInSeconds: 300,
    concurrency: 4,
    pollMs: 500,
  },
  {
    name: USAGE_FLUSH_QUEUE,
    description: "Sends the usage outbox's due rows to Stripe's meter (every minute).",
    policy: "stately",
    retryLimit: 2,
    retryDelay: 10,
    expireInSeconds: 600,
    cron: "* * * * *",
    concurrency: 1,
    pollMs: 1_000,
  },
  {
    name: RECONCILE_QUEUE,
    description:
      "Nightly (and from the admin's Reconcile): queues one reconcile job per customer Tollgate " +
      "knows, then asks for the jobs of every webhook event still pending.",
    policy: "stately",
    retryLimit: 3,
    retryDelay: 60,
    expireInSeconds: 900,
    cron: "30 3 * * *",
    concurrency: 1,
    pollMs: 1_000,
  },
  {
    name: RECONCILE_CUSTOMER_QUEUE,
    description:
      "Re-reads one customer's subscriptions and all its invoices from Stripe and writes them " +
      "(one job per customer, never two at once).",
    policy: "short",
    retryLimit: 5,
    retryDelay: 30,
    expireInSeconds: 300,
    concurrency: 2,
    pollMs: 1_000,
  },
  {
    name: WEBHOOK_REPLAY_QUEUE,
    description:
      "Every 15 minutes: asks again for the jobs of ledger events that failed, were left " +
      "waiting, or waited for a customer link that exists now (bounded attempts).",
    policy: "stately",
    retryLimit: 2,
    retryDelay: 60,
    expireInSeconds: 600,
    cron: "*/15 * * * *",
    concurrency: 1,
    pollMs: 1_000,
  },
  {
    name: WORKSPACE_SEATS_QUEUE,
    description:
      "Brings a workspace's paid subscription to one seat per member: sent in the transaction " +
      "of every membership change (one job per workspace waiting, never two running), and by " +
      "the replay and reconcile jobs for workspaces whose billed seats differ from their members.",
    // Not `short`: two runs of one workspace at once could write an older count after a newer one.
    policy: "stately",
    retryLimit: 10,
    retryDelay: 5,
    expireInSeconds: 300,
    concurrency: 2,
    pollMs: 1_000,
  },
  {
    name: RATE_LIMIT_CLEANUP_QUEUE,
    description: "Hourly: deletes rate-limit rows whose window ended more than a day ago.",
    policy: "stately",
    retryLimit: 2,
    retryDelay: 60,
    expireInSeconds: 300,
    cron: "17 * * * *",
    concurrency: 1,
    pollMs: 1_000,
  },
];
