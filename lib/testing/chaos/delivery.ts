/**
 * Webhook delivery as Stripe's delivery model allows at its worst: every event at least once,
 * some twice, in any order, many at a time, to whichever instance the load balancer picks; a
 * connection may drop mid-request (after part of the body, or before the answer is read); and
 * whatever did not get a 200 is sent again after a wait, until it does. Each attempt is signed
 * afresh with the endpoint's secret, as Stripe signs (the emulator's own signer).
 *
 * Imports nothing from the app: it speaks HTTP to it, like Stripe.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import type Stripe from "stripe";
import { signPayload } from "../../../stripe-emulator";

export interface DeliveryOptions {
  /** Base URLs of the app's instances; each attempt goes to one of them at random. */
  targets: readonly string[];
  /** The endpoint's signing secret (`whsec_…`). */
  secret: string;
  /** Attempts in flight at once (default 16). */
  concurrency?: number;
  /** Share of events delivered twice (default 0). */
  duplicateRate?: number;
  /** Shuffle the deliveries (default true); false keeps the given order. */
  shuffle?: boolean;
  /** Share of attempts whose connection is cut mid-request (default 0). */
  cutRate?: number;
  /** An attempt not answered in this long fails (default 10 s, as Stripe's). */
  timeoutMs?: number;
  /** Waits before the 1st, 2nd, … retry of one delivery; the last repeats. */
  retryScheduleMs?: readonly number[];
  /** Gives up (throws) when the deliveries are not all acknowledged by then (default 5 min). */
  deadlineMs?: number;
  /** Seed of the choices (order, duplicates, cuts, targets); default random, in the report. */
  seed?: number;
  /** Told after each acknowledgement: how many deliveries are acknowledged, of how many. */
  onAcknowledged?(acknowledged: number, total: number): void;
}

export type CutKind = "partial-body" | "before-answer";

export interface DeliveryReport {
  seed: number;
  events: number;
  /** Events plus their duplicates. */
  deliveries: number;
  attempts: number;
  /** Attempts whose connection the harness cut. */
  cuts: Record<CutKind, number>;
  /** Attempts answered otherwise than 200 (by status, or "error: …" when none came). */
  refusals: Record<string, number>;
  /** When each of those attempts ended (ms since the epoch), in order. */
  refusedAt: number[];
  /** The route's answers to acknowledged attempts: `outcome` (+ " duplicate"). */
  outcomes: Record<string, number>;
  /** Milliseconds from the start of an acknowledged attempt to its answer read, in order. */
  ackLatenciesMs: number[];
  /** When each event was first acknowledged (ms since the epoch: the route had answered). */
  firstAckAt: Map<string, number>;
  startedAt: number;
  finishedAt: number;
}

/** A small, seeded generator (mulberry32): the same seed makes the same chaos. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Delivery {
  event: Stripe.Event;
  payload: Buffer;
}

interface AttemptResult {
  status: number | null;
  error: string | null;
  outcome: string | null;
  latencyMs: number;
}

/**
 * Connections kept between attempts, each dropped after 4 s idle: before the server's own
 * keep-alive timeout (Node's 5 s) closes it under a request about to be sent.
 */
export const keepAliveAgent = (): http.Agent =>
  new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4_000 });
const agent = keepAliveAgent();

/**
 * One POST of `payload` to `target`'s webhook route, signed now. With `cut`, the connection is
 * destroyed after part of the body, or once the whole request is sent and before the answer.
 */
function attempt(
  target: URL,
  payload: Buffer,
  secret: string,
  { cut, cutAt, timeoutMs }: { cut: CutKind | null; cutAt: number; timeoutMs: number },
): Promise<AttemptResult> {
  const started = performance.now();
  const signature = signPayload(payload.toString("utf8"), secret, Math.floor(Date.now() / 1000));
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: Omit<AttemptResult, "latencyMs">) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, latencyMs: performance.now() - started });
    };
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: "/api/stripe/webhook",
        method: "POST",
        // A cut attempt gets a connection of its own, so the cut drops nothing else.
        agent: cut ? false : agent,
        headers: {
          "content-type": "application/json; charset=utf-8",
          "content-length": payload.length,
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          "stripe-signature": signature,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", (error) =>
          settle({ status: null, error: error.message, outcome: null }),
        );
        response.on("end", () => {
          let outcome: string | null = null;
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
              outcome?: string;
              duplicate?: boolean;
            };
            outcome = `${body.outcome ?? "?"}${body.duplicate ? " duplicate" : ""}`;
          } catch {
            outcome = null;
          }
          settle({ status: response.statusCode ?? null, error: null, outcome });
        });
      },
    );
    request.setTimeout(timeoutMs, () => request.destroy(new Error("timed out")));
    request.on("error", (error) => {
      settle({ status: null, error: cut ? `cut (${cut})` : error.message, outcome: null });
    });
    if (cut === "partial-body") {
      request.write(payload.subarray(0, Math.max(1, Math.floor(payload.length * cutAt))));
      // Let the part reach the server, then drop the connection.
      setTimeout(() => {
        request.destroy();
        settle({ status: null, error: `cut (${cut})`, outcome: null });
      }, 5);
      return;
    }
    request.end(payload);
    if (cut === "before-answer") {
      request.once("finish", () => {
        request.destroy();
        settle({ status: null, error: `cut (${cut})`, outcome: null });
      });
    }
  });
}

/** `count` in `record` plus one. */
function bump(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

export interface Deliveries {
  /**
   * Hands new events over (each once, a share twice): shuffled among those still waiting, or
   * after them when `shuffle` is off.
   */
  add(events: readonly Stripe.Event[]): void;
  /**
   * No more events will come: resolves once every delivery was answered 200. Throws when the
   * deadline passes first, naming how many are left.
   */
  finish(): Promise<DeliveryReport>;
}

/**
 * Starts delivering: `concurrency` senders take the waiting deliveries in turn, and one that
 * was not answered 200 waits (the retry schedule, jittered) and goes back among them.
 */
export function startDeliveries(options: DeliveryOptions): Deliveries {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = seededRandom(seed);
  const concurrency = options.concurrency ?? 16;
  const cutRate = options.cutRate ?? 0;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const schedule = options.retryScheduleMs ?? [250, 500, 1_000, 2_000];
  const shuffle = options.shuffle ?? true;
  const targets = options.targets.map((target) => new URL(target));
  if (targets.length === 0) throw new Error("no targets to deliver to");

  const report: DeliveryReport = {
    seed,
    events: 0,
    deliveries: 0,
    attempts: 0,
    cuts: { "partial-body": 0, "before-answer": 0 },
    refusals: {},
    refusedAt: [],
    outcomes: {},
    ackLatenciesMs: [],
    firstAckAt: new Map(),
    startedAt: Date.now(),
    finishedAt: 0,
  };
  const ready: Delivery[] = [];
  const retries = new Map<Delivery, number>();
  let waitingRetry = 0;
  let inFlight = 0;
  let acknowledged = 0;
  let closed = false;
  let wakers: (() => void)[] = [];
  const wakeAll = () => {
    const woken = wakers;
    wakers = [];
    for (const wake of woken) wake();
  };
  const deadline = Date.now() + (options.deadlineMs ?? 300_000);
  const deadlineTimer = setTimeout(wakeAll, Math.max(0, deadline - Date.now()));

  const loop = async () => {
    for (;;) {
      if (Date.now() > deadline) return;
      const delivery = ready.shift();
      if (!delivery) {
        if (closed && waitingRetry === 0 && inFlight === 0) {
          wakeAll();
          return;
        }
        await new Promise<void>((resolve) => wakers.push(resolve));
        continue;
      }
      inFlight++;
      const cut: CutKind | null =
        random() < cutRate ? (random() < 0.5 ? "partial-body" : "before-answer") : null;
      const target = targets[Math.floor(random() * targets.length)] as URL;
      const result = await attempt(target, delivery.payload, options.secret, {
        cut,
        cutAt: 0.1 + random() * 0.8,
        timeoutMs,
      });
      inFlight--;
      report.attempts++;
      if (cut) report.cuts[cut]++;
      if (result.status === 200) {
        acknowledged++;
        report.ackLatenciesMs.push(result.latencyMs);
        bump(report.outcomes, result.outcome ?? "unreadable");
        if (!report.firstAckAt.has(delivery.event.id)) {
          report.firstAckAt.set(delivery.event.id, Date.now());
        }
        options.onAcknowledged?.(acknowledged, report.deliveries);
      } else {
        if (!cut) {
          bump(report.refusals, result.status ? `HTTP ${result.status}` : `error: ${result.error}`);
          report.refusedAt.push(Date.now());
        }
        const tries = (retries.get(delivery) ?? 0) + 1;
        retries.set(delivery, tries);
        const wait = schedule[Math.min(tries, schedule.length) - 1] ?? 1_000;
        waitingRetry++;
        setTimeout(
          () => {
            waitingRetry--;
            ready.push(delivery);
            wakeAll();
          },
          wait * (0.75 + random() * 0.5),
        );
      }
      wakeAll();
    }
  };
  const senders = Promise.all(Array.from({ length: concurrency }, loop));

  return {
    add(events) {
      if (closed) throw new Error("deliveries finished: no more events");
      // Stripe sends the JSON pretty-printed; the signature is over these exact bytes.
      const batch: Delivery[] = [];
      for (const event of events) {
        const payload = Buffer.from(JSON.stringify(event, null, 2), "utf8");
        batch.push({ event, payload });
        if (random() < (options.duplicateRate ?? 0)) batch.push({ event, payload });
      }
      report.events += events.length;
      report.deliveries += batch.length;
      for (const delivery of batch) {
        if (shuffle) ready.splice(Math.floor(random() * (ready.length + 1)), 0, delivery);
        else ready.push(delivery);
      }
      wakeAll();
    },
    async finish() {
      closed = true;
      wakeAll();
      await senders;
      clearTimeout(deadlineTimer);
      report.finishedAt = Date.now();
      const left = report.deliveries - acknowledged;
      if (left > 0) {
        throw new Error(
          `${left} of ${report.deliveries} deliveries were not acknowledged before the deadline ` +
            `(seed ${seed}; refusals ${JSON.stringify(report.refusals)})`,
        );
      }
      return report;
    },
  };
}

/** Delivers `events` (each once, a share twice) until every delivery was answered 200. */
export function deliverEvents(
  events: readonly Stripe.Event[],
  options: DeliveryOptions,
): Promise<DeliveryReport> {
  const deliveries = startDeliveries(options);
  deliveries.add(events);
  return deliveries.finish();
}
