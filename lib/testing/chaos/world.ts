/**
 * The chaos harness's world: one fresh Postgres database on a local server, a Stripe emulator
 * (in this process) with the plan catalog and a webhook endpoint synced into it, and the app as
 * production runs it — `next start` instances and job workers (`npm run worker`), every one
 * pointed at the emulator and reaching Postgres through a line the harness can cut. The
 * endpoint is disabled, so the emulator sends nothing: the harness delivers the events itself
 * (delivery.ts), signed with the endpoint's secret.
 *
 * Needs a build (`npm run build`) and a Postgres server: the processes share one database,
 * which an embedded PGlite cannot be.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import type Stripe from "stripe";
import { type DatabaseHandle, openDatabase } from "../../../db";
import {
  EMULATOR_PUBLISHABLE_KEY,
  type RunningEmulator,
  startEmulator,
} from "../../../stripe-emulator";
import { clientFor } from "../../../stripe-emulator/testing";
import { webhookUrlFor } from "../../billing/mirror/webhook-endpoint";
import { setUpStripe } from "../../billing/service/set-up-stripe";
import { type CutMode, startTcpProxy } from "../tcp-proxy";
import { type EventFeed, eventFeed } from "./events";
import {
  type AppProcess,
  type AppServer,
  freePort,
  startNextServer,
  startWorkerProcess,
  uncaughtErrorsIn,
  waitForOk,
} from "./processes";

/** The way from the app's processes to Postgres, which the harness can cut. */
export interface DatabaseLine {
  /** The database URL the app's processes are given. */
  readonly url: string;
  /** Every connection through the line drops, and new ones are refused, until `restore`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** Makes the line to `databaseUrl`. */
export type DatabaseLineFactory = (databaseUrl: string) => Promise<DatabaseLine>;

/**
 * A TCP proxy between the processes and Postgres (lib/testing/tcp-proxy.ts). Cut, it drops
 * every connection and then refuses new ones (the server down) or holds them unanswered
 * (`blackhole`: a network partition) until restored.
 */
export function tcpProxyLine(mode: CutMode = "refuse"): DatabaseLineFactory {
  return async (url) => {
    const target = new URL(url);
    const proxy = await startTcpProxy({
      targetHost: target.hostname,
      targetPort: Number(target.port || 5432),
    });
    return {
      url: proxy.rewriteUrl(url),
      cut: () => proxy.cut(mode),
      restore: () => proxy.restore(),
      close: () => proxy.close(),
    };
  };
}

/** No line at all: the processes connect to Postgres straight (nothing to cut). */
export const directLine: DatabaseLineFactory = async (url) => ({
  url,
  cut: () => {
    throw new Error("this world's processes reach Postgres directly: there is no line to cut");
  },
  restore: () => {},
  close: async () => {},
});

export interface ChaosWorldOptions {
  /** A Postgres URL whose server gets the run's database; default DATABASE_URL, else local. */
  serverUrl?: string;
  /** `next start` instances (default 2). */
  instances?: number;
  /** `npm run worker` processes (default 1). */
  workers?: number;
  line?: DatabaseLineFactory;
  /** The app processes' LOG_LEVEL (default warn). */
  logLevel?: string;
  /** Folder of the processes' logs; default a new one under the OS's temporary folder. */
  logDir?: string;
  /** Keep the database after `close` (its name is in `databaseUrl`). */
  keepDatabase?: boolean;
}

export interface ChaosWorld {
  /** The run's own database, reached directly (not through the line). */
  readonly databaseUrl: string;
  readonly handle: DatabaseHandle;
  readonly db: DatabaseHandle["db"];
  readonly emulator: RunningEmulator;
  /** A client of the emulator for the harness (no retries). */
  readonly stripe: Stripe;
  readonly webhookSecret: string;
  /** The emulator's events as they come, for deliveries; each run takes the new ones. */
  readonly events: EventFeed;
  readonly instances: readonly AppServer[];
  readonly workers: readonly AppProcess[];
  readonly line: DatabaseLine;
  readonly logDir: string;
  /** The emulator's control API (`/_emulator…`); throws on a status other than 200. */
  control<T = unknown>(method: "GET" | "POST", route: string, body?: unknown): Promise<T>;
  /** Processes that exited without being asked to. */
  crashed(): AppProcess[];
  /** What the processes logged of uncaught exceptions and unhandled rejections. */
  uncaughtErrors(): string[];
  /** Stops everything and drops the database; the logs stay only with `keepLogs`. */
  close(options?: { keepLogs?: boolean }): Promise<void>;
}

const LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/postgres";
const AUTH_SECRET = "tollgate-chaos-secret-used-only-by-the-harness";

async function createDatabase(
  serverUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tollgate_chaos_${randomBytes(5).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await dropper.end({ timeout: 5 });
      }
    },
  };
}

/**
 * Starts the world; on any failure what was started is stopped again. The processes are up
 * (health 200) when it resolves.
 */
export async function startChaosWorld(options: ChaosWorldOptions = {}): Promise<ChaosWorld> {
  const cleanups: (() => Promise<void>)[] = [];
  const logDir = options.logDir ?? mkdtempSync(path.join(tmpdir(), "tollgate-chaos-"));
  const cleanUp = async ({ keepLogs = false }: { keepLogs?: boolean } = {}) => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (!keepLogs && !options.logDir) rmSync(logDir, { recursive: true, force: true });
  };
  try {
    const database = await createDatabase(
      options.serverUrl ?? process.env.DATABASE_URL ?? LOCAL_SERVER,
    );
    if (!options.keepDatabase) cleanups.push(database.drop);
    // Migrations first, as a deploy does: `next start` only verifies them.
    const handle = await openDatabase({ url: database.url, migrate: true });
    cleanups.push(() => handle.close());

    const emulator = await startEmulator({
      port: 0,
      onError: (message) => process.stderr.write(`[stripe-emulator] ${message}\n`),
    });
    cleanups.push(() => emulator.close());
    const stripe = clientFor(emulator);
    const ports = await Promise.all(
      Array.from({ length: options.instances ?? 2 }, () => freePort()),
    );
    const frontendUrl = `http://127.0.0.1:${ports[0]}`;
    const setup = await setUpStripe(stripe, {
      frontendUrl,
      webhookUrl: webhookUrlFor(frontendUrl),
    });
    if (!setup.webhookSecret) throw new Error("the emulator gave no webhook secret");
    // The harness delivers the events: the emulator must not.
    for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) {
      await stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
    }

    const line = await (options.line ?? directLine)(database.url);
    cleanups.push(() => line.close());
    const env = (frontend: string): NodeJS.ProcessEnv => ({
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: options.logLevel ?? "warn",
      DATABASE_URL: line.url,
      FRONTEND_URL: frontend,
      AUTH_SECRET,
      STRIPE_SECRET_KEY: emulator.secretKey,
      STRIPE_PUBLISHABLE_KEY: EMULATOR_PUBLISHABLE_KEY,
      STRIPE_API_BASE: emulator.url,
      STRIPE_WEBHOOK_SECRET: setup.webhookSecret ?? "",
      ALLOW_STRIPE_EMULATOR: "true",
      WORKER_IN_APP: "false",
      TRUSTED_PROXY_HOPS: "0",
    });
    const processes: AppProcess[] = [];
    cleanups.push(async () => {
      await Promise.all(processes.map((running) => running.stop()));
    });
    const instances = ports.map((port, index) => {
      const server = startNextServer(
        `next-${index + 1}`,
        port,
        env(`http://127.0.0.1:${port}`),
        logDir,
      );
      processes.push(server);
      return server;
    });
    const workers = Array.from({ length: options.workers ?? 1 }, (_, index) => {
      const worker = startWorkerProcess(`worker-${index + 1}`, env(frontendUrl), logDir);
      processes.push(worker);
      return worker;
    });
    await Promise.all(
      instances.map((server) =>
        waitForOk(`${server.url}/api/health`, { process: server, timeoutMs: 120_000 }),
      ),
    );

    const control = async <T>(method: "GET" | "POST", route: string, body?: unknown) => {
      const response = await fetch(`${emulator.url}/_emulator${route}`, {
        method,
        headers: {
          authorization: `Bearer ${emulator.secretKey}`,
          "content-type": "application/json",
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status !== 200) {
        throw new Error(`${method} /_emulator${route} answered ${response.status}: ${text}`);
      }
      return JSON.parse(text) as T;
    };

    return {
      databaseUrl: database.url,
      handle,
      db: handle.db,
      emulator,
      stripe,
      webhookSecret: setup.webhookSecret,
      events: eventFeed(stripe),
      instances,
      workers,
      line,
      logDir,
      control,
      crashed: () => processes.filter((running) => running.crash !== null),
      uncaughtErrors: () => processes.flatMap(uncaughtErrorsIn),
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp({ keepLogs: true });
    throw error;
  }
}
