/**
 * The Tollgate Stripe emulator: an offline, stateful Stripe that stripe-node talks to as it
 * talks to api.stripe.com, with hosted checkout, portal and invoice pages and signed webhooks.
 * It imports nothing from the app.
 *
 * `startEmulator({ port })` serves it; state lives in memory, or in `dataFile` (JSON, written
 * after each change, read back on start) so that it survives a restart in development.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { handleApi } from "./api";
import { expireSession } from "./checkout";
import { Emulator } from "./context";
import { handleControl } from "./control";
import { isAllowedHost } from "./host-check";
import { advance } from "./lifecycle";
import { handlePage } from "./pages";
import { type EmulatorState, emptyState, pruneState } from "./state";
import { Traffic } from "./traffic";
import { Deliverer, STRIPE_RETRY_SCHEDULE_MS } from "./webhooks";

export const EMULATOR_SECRET_KEY = "sk_test_tollgate_emulator";
export const EMULATOR_PUBLISHABLE_KEY = "pk_test_tollgate_emulator";
export { signPayload } from "./webhooks";

const MAX_BODY_BYTES = 1024 * 1024;

export interface EmulatorOptions {
  /** 0 picks a free port. Default 12111. */
  port?: number;
  host?: string;
  secretKey?: string;
  /** Persist state to this JSON file; unset keeps it in memory. */
  dataFile?: string;
  /** Waits between webhook attempts, milliseconds; default Stripe's three-day backoff. */
  webhookRetrySchedule?: number[];
  webhookTimeoutMs?: number;
  /** How often the wall clock's due work runs, milliseconds. */
  tickMs?: number;
  /** Where failures of background work are reported; default standard error. */
  onError?: (message: string) => void;
}

export interface RunningEmulator {
  url: string;
  port: number;
  secretKey: string;
  publishableKey: string;
  emulator: Emulator;
  /** The API's request counts and read-rate cap (also through the control API). */
  traffic: Traffic;
  /** Resolves when no webhook delivery is due (or in flight). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

function loadState(file: string): EmulatorState | null {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as EmulatorState;
    return parsed.version === 1 ? { ...emptyState(), ...parsed } : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`Cannot read the emulator's state from ${file}: ${String(error)}`);
  }
}

function saveState(file: string, state: EmulatorState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state));
  renameSync(temporary, file);
}

function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  response.end(body);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const secretKey = options.secretKey ?? EMULATOR_SECRET_KEY;
  let baseUrl = "";
  const em = new Emulator(() => baseUrl);
  const traffic = new Traffic();
  if (options.dataFile) {
    const loaded = loadState(options.dataFile);
    if (loaded) em.state = loaded;
  }
  const deliverer = new Deliverer(em, {
    retrySchedule: options.webhookRetrySchedule ?? STRIPE_RETRY_SCHEDULE_MS,
    timeoutMs: options.webhookTimeoutMs ?? 10_000,
  });

  const report =
    options.onError ??
    ((message: string) => process.stderr.write(`[stripe-emulator] ${message}\n`));
  let saveTimer: NodeJS.Timeout | null = null;
  const dataFile = options.dataFile;
  if (dataFile) {
    em.onChange(() => {
      if (saveTimer) return;
      saveTimer = setTimeout(() => {
        saveTimer = null;
        try {
          saveState(dataFile, em.state);
        } catch (error) {
          report(`cannot save state to ${dataFile}: ${String(error)}`);
        }
      }, 50);
    });
  }

  /** Clock-driven work; a failure is reported and retried on the next tick, never fatal. */
  const tick = () => {
    try {
      advance(em, null, em.wallNow());
      const now = em.wallNow();
      for (const session of Object.values(em.state.checkoutSessions)) {
        if (session.status === "open" && session.expires_at <= now) expireSession(em, session);
      }
      pruneState(em.state, now);
    } catch (error) {
      report(`clock work failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  };

  const server = createServer((request, response) => {
    void (async () => {
      if (!isAllowedHost(request.headers.host, host)) {
        send(
          response,
          421,
          JSON.stringify({
            error: {
              type: "invalid_request_error",
              message:
                "The emulator answers only requests addressed to localhost, 127.0.0.1 or [::1].",
            },
          }),
        );
        return;
      }
      const url = new URL(request.url ?? "/", "http://emulator");
      const body = await readBody(request);
      if (body === null) {
        send(
          response,
          413,
          JSON.stringify({
            error: { type: "invalid_request_error", message: "Request body too large." },
          }),
        );
        return;
      }
      if (url.pathname.startsWith("/v1/")) {
        tick();
        const answer = handleApi(em, traffic, request, url, body, secretKey);
        if (answer.delayMs) await delay(answer.delayMs);
        send(response, answer.status, answer.body, answer.headers);
        return;
      }
      if (url.pathname === "/_emulator" || url.pathname.startsWith("/_emulator/")) {
        if (request.headers.authorization !== `Bearer ${secretKey}`) {
          send(
            response,
            401,
            JSON.stringify({
              error: {
                type: "invalid_request_error",
                message: "The control API needs the emulator's secret key as a Bearer token.",
              },
            }),
          );
          return;
        }
        const answer = await handleControl(
          em,
          { deliverer, traffic },
          request.method ?? "GET",
          url,
          body,
        );
        send(response, answer.status, JSON.stringify(answer.body, null, 2));
        return;
      }
      tick();
      if (handlePage({ em, request, response, url, body })) return;
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      response.end("Not found");
    })().catch((error: unknown) => {
      if (!response.headersSent) {
        send(
          response,
          500,
          JSON.stringify({ error: { type: "api_error", message: String(error) } }),
        );
      } else {
        response.end();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 12_111, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  const ticker = setInterval(tick, options.tickMs ?? 1_000);
  ticker.unref();
  deliverer.kick();

  return {
    url: baseUrl,
    port,
    secretKey,
    publishableKey: EMULATOR_PUBLISHABLE_KEY,
    emulator: em,
    traffic,
    settle: () => deliverer.idle(),
    close: async () => {
      clearInterval(ticker);
      deliverer.stop();
      if (saveTimer) clearTimeout(saveTimer);
      if (dataFile) saveState(dataFile, em.state);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
