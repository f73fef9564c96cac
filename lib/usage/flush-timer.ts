/**
 * Development's stand-in for the cron that calls /api/internal/usage/flush: a timer in the
 * server process that flushes the usage outbox every few seconds. One per process (a hot
 * reload does not add another); a round that is still running when the next is due makes the
 * next one skip; errors are logged and the timer keeps going. The interval is unref'd, so it
 * never keeps a process alive.
 *
 * Not marked `server-only`: instrumentation loads it.
 */
import { getDb } from "../../db";
import { createStripeClient } from "../billing/stripe/client";
import { env } from "../env";
import { log } from "../log";
import { type FlushResult, flushUsage } from "./report";

export interface FlushTimerOptions {
  intervalMs?: number;
  /** One flush round; the default flushes the app's database into the configured Stripe. */
  flush?: () => Promise<FlushResult>;
}

const timerLog = log.child({ module: "usage-flush-timer" });

const globalForTimer = globalThis as typeof globalThis & { __tollgateUsageFlushStop?: () => void };

let stripeClient: ReturnType<typeof createStripeClient> | undefined;

async function defaultFlush(): Promise<FlushResult> {
  stripeClient ??= createStripeClient(env());
  return flushUsage(await getDb(), stripeClient);
}

/** Starts the timer (once per process) and returns the function that stops it. */
export function startUsageFlushTimer(options: FlushTimerOptions = {}): () => void {
  const existing = globalForTimer.__tollgateUsageFlushStop;
  if (existing) return existing;
  const intervalMs = options.intervalMs ?? 10_000;
  const flush = options.flush ?? defaultFlush;
  let running = false;

  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await flush();
    } catch (error) {
      timerLog.error({ err: error }, "usage flush failed");
    } finally {
      running = false;
    }
  };
  const interval = setInterval(() => void tick(), intervalMs);
  interval.unref();
  const stop = () => {
    clearInterval(interval);
    if (globalForTimer.__tollgateUsageFlushStop === stop) {
      globalForTimer.__tollgateUsageFlushStop = undefined;
    }
  };
  globalForTimer.__tollgateUsageFlushStop = stop;
  timerLog.info({ intervalMs }, "usage flush timer started");
  return stop;
}
