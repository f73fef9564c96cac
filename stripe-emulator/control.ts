/**
 * The control API under `/_emulator/`, for development and tests (JSON in and out, the
 * emulator's secret key as Bearer):
 * - `GET  /_emulator`                     what is here
 * - `POST /_emulator/reset`               forget everything
 * - `GET  /_emulator/clock`               the wall clock's time and offset
 * - `POST /_emulator/clock/advance`       `{ seconds }` or `{ to }`: move the wall clock forward
 *                                         and run what became due (trials, renewals, retries)
 * - `GET  /_emulator/deliveries`          the webhook delivery log (`?event=`, `?type=`)
 * - `POST /_emulator/deliveries/flush`    `{ horizonMs? }`: wait until no delivery is due
 *                                         within horizonMs (default a minute)
 * - `GET|POST /_emulator/switches`        `{ duplicates, shuffle, delayMs, failFirstAttempts,
 *                                         finalFailure }`
 * - `POST /_emulator/faults`              `{ status: 409|429|500|503, count }`: the next API
 *                                         requests fail so; `{ hangMs, count }`: they are
 *                                         served but answered only after hangMs (a timeout)
 * - `GET  /_emulator/requests`           the API's traffic: reads, writes and 429s per second
 *                                         and in all, served calls by method and path
 * - `POST /_emulator/requests/clear`     forget those counts
 * - `GET|POST /_emulator/rate-limit`      `{ readsPerSecond }`: reads per second per secret key
 *                                         past which GETs are answered 429 (null: no cap)
 * - `POST /_emulator/checkout/:id/pay`    `{ card, name?, email? }`: what the hosted page's
 *                                         form does, for tests without a browser
 */
import type { CardDetails } from "./cards";
import { checkoutSession, completeCheckout } from "./checkout";
import type { Emulator } from "./context";
import { StripeApiError } from "./errors";
import { advance } from "./lifecycle";
import type { Fault, Switches } from "./state";
import type { Traffic } from "./traffic";
import type { Deliverer } from "./webhooks";

export interface ControlResponse {
  status: number;
  body: unknown;
}

function bad(message: string): ControlResponse {
  return { status: 400, body: { error: { type: "invalid_request_error", message } } };
}

function readBody(raw: string): Record<string, unknown> {
  if (!raw.trim()) return {};
  const parsed: unknown = JSON.parse(raw);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new SyntaxError("the body must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

function applySwitches(current: Switches, body: Record<string, unknown>): Switches | string {
  const next = { ...current };
  for (const [key, value] of Object.entries(body)) {
    if (key === "shuffle") {
      if (typeof value !== "boolean") return "shuffle must be true or false";
      next.shuffle = value;
    } else if (key === "duplicates" || key === "delayMs" || key === "failFirstAttempts") {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 100_000) {
        return `${key} must be a whole number from 0 to 100000`;
      }
      next[key] = value;
    } else if (key === "finalFailure") {
      if (value !== "cancel" && value !== "unpaid" && value !== "past_due") {
        return "finalFailure must be cancel, unpaid or past_due";
      }
      next.finalFailure = value;
    } else {
      return `unknown switch: ${key}`;
    }
  }
  return next;
}

/** `{ status, count? }` or `{ hangMs, count? }`; a message when it is neither. */
function readFault(body: Record<string, unknown>): Fault | string {
  const count = body.count ?? 1;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1)
    return "count must be a positive whole number";
  if (body.hangMs !== undefined) {
    const hangMs = body.hangMs;
    if (typeof hangMs !== "number" || !Number.isInteger(hangMs) || hangMs < 1 || hangMs > 600_000) {
      return "hangMs must be a whole number of milliseconds from 1 to 600000";
    }
    return { hangMs, remaining: count };
  }
  const status = body.status;
  if (status !== 409 && status !== 429 && status !== 500 && status !== 503) {
    return "give status (409, 429, 500 or 503) or hangMs";
  }
  return { status, remaining: count };
}

/** `{ readsPerSecond }`: a whole number from 1 to 10000, or null for no cap. */
function readRateLimit(body: Record<string, unknown>): number | null | string {
  const cap = body.readsPerSecond;
  if (cap === null) return null;
  if (typeof cap !== "number" || !Number.isInteger(cap) || cap < 1 || cap > 10_000) {
    return "readsPerSecond must be a whole number from 1 to 10000, or null for no cap";
  }
  return cap;
}

export async function handleControl(
  em: Emulator,
  { deliverer, traffic }: { deliverer: Deliverer; traffic: Traffic },
  method: string,
  url: URL,
  raw: string,
): Promise<ControlResponse> {
  let body: Record<string, unknown>;
  try {
    body = readBody(raw);
  } catch (error) {
    return bad(`Invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const path = url.pathname.replace(/\/+$/, "");
  const route = `${method} ${path}`;
  if (route === "GET /_emulator") {
    return {
      status: 200,
      body: {
        emulator: "Tollgate Stripe emulator",
        api: `${em.baseUrl()}/v1`,
        control: [
          "reset",
          "clock",
          "clock/advance",
          "deliveries",
          "deliveries/flush",
          "switches",
          "faults",
          "requests",
          "requests/clear",
          "rate-limit",
          "checkout/:id/pay",
        ],
      },
    };
  }
  if (route === "POST /_emulator/reset") {
    em.reset();
    traffic.reset();
    return { status: 200, body: { reset: true } };
  }
  if (route === "GET /_emulator/clock") {
    return { status: 200, body: { now: em.wallNow(), offset: em.state.clockOffset } };
  }
  if (route === "POST /_emulator/clock/advance") {
    const now = em.wallNow();
    const seconds =
      typeof body.seconds === "number"
        ? body.seconds
        : typeof body.to === "number"
          ? body.to - now
          : NaN;
    if (!Number.isInteger(seconds) || seconds <= 0) {
      return bad("give `seconds` (a positive whole number) or `to` (a later unix time)");
    }
    const processed = advance(em, null, now + seconds);
    em.changed();
    return { status: 200, body: { now: em.wallNow(), offset: em.state.clockOffset, processed } };
  }
  if (route === "GET /_emulator/deliveries") {
    const event = url.searchParams.get("event");
    const type = url.searchParams.get("type");
    const data = em.state.deliveries.filter(
      (delivery) => (!event || delivery.event === event) && (!type || delivery.type === type),
    );
    return { status: 200, body: { data, queued: em.state.queue.length } };
  }
  if (route === "POST /_emulator/deliveries/flush") {
    // By default waits for every delivery due within a minute: compressed retries included.
    const horizon = typeof body.horizonMs === "number" ? body.horizonMs : 60_000;
    await deliverer.idle(horizon);
    return { status: 200, body: { queued: em.state.queue.length } };
  }
  if (route === "GET /_emulator/switches") return { status: 200, body: em.state.switches };
  if (route === "POST /_emulator/switches") {
    const next = applySwitches(em.state.switches, body);
    if (typeof next === "string") return bad(next);
    em.state.switches = next;
    em.changed();
    return { status: 200, body: next };
  }
  if (route === "POST /_emulator/faults") {
    const fault = readFault(body);
    if (typeof fault === "string") return bad(fault);
    em.state.faults.push(fault);
    return { status: 200, body: { faults: em.state.faults } };
  }
  if (route === "GET /_emulator/requests") return { status: 200, body: traffic.report() };
  if (route === "POST /_emulator/requests/clear") {
    traffic.clearCounts();
    return { status: 200, body: traffic.report() };
  }
  if (route === "GET /_emulator/rate-limit") {
    return { status: 200, body: { readsPerSecond: traffic.readsPerSecond } };
  }
  if (route === "POST /_emulator/rate-limit") {
    const cap = readRateLimit(body);
    if (typeof cap === "string") return bad(cap);
    traffic.setReadsPerSecond(cap);
    return { status: 200, body: { readsPerSecond: cap } };
  }
  const pay = /^POST \/_emulator\/checkout\/([^/]+)\/pay$/.exec(route);
  if (pay?.[1]) {
    if (typeof body.card !== "string") return bad("card is required (a test card number)");
    const card: CardDetails = {
      number: body.card,
      expMonth: 12,
      expYear: new Date().getUTCFullYear() + 3,
      name: typeof body.name === "string" ? body.name : null,
      email: typeof body.email === "string" ? body.email : null,
    };
    const snapshot = structuredClone(em.state);
    try {
      const session = completeCheckout(em, checkoutSession(em, decodeURIComponent(pay[1])), card);
      return { status: 200, body: session };
    } catch (error) {
      em.state = snapshot;
      if (error instanceof StripeApiError) return { status: error.status, body: error.toJSON() };
      throw error;
    } finally {
      em.changed();
    }
  }
  return {
    status: 404,
    body: { error: { type: "invalid_request_error", message: `No control route ${route}` } },
  };
}
