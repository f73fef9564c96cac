/**
 * The API's HTTP layer: Bearer (or Basic) key, the read-rate cap and the traffic counts, form
 * or query parameters, injected faults, `Idempotency-Key` replay for POSTs, routing, and
 * Stripe's error envelope.
 */

import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { catalogRoutes } from "./catalog";
import { checkoutRoutes } from "./checkout";
import { API_VERSION, type Emulator } from "./context";
import { customerRoutes } from "./customers";
import { invalidRequest, StripeApiError, unauthorized } from "./errors";
import { parseForm } from "./form";
import { invoiceRoutes } from "./invoice-routes";
import { asReturnedByStripe } from "./invoices";
import { meterRoutes } from "./meters";
import { paymentMethodRoutes } from "./payment-methods";
import { platformRoutes } from "./platform-routes";
import { portalRoutes } from "./portal";
import type { Route } from "./router";
import type { EmulatorState } from "./state";
import { subscriptionRoutes } from "./subscription-routes";
import type { Traffic } from "./traffic";

const ROUTES: Route[] = [
  ...customerRoutes,
  ...catalogRoutes,
  ...checkoutRoutes,
  ...portalRoutes,
  ...subscriptionRoutes,
  ...invoiceRoutes,
  ...meterRoutes,
  ...paymentMethodRoutes,
  ...platformRoutes,
];

const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export interface ApiResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
  /** Hold the answer back this long (an injected hang). */
  delayMs?: number;
}

function apiKeyOf(request: IncomingMessage): string | null {
  const header = request.headers.authorization ?? "";
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer?.[1]) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic?.[1]) return Buffer.from(basic[1], "base64").toString().split(":")[0] ?? null;
  return null;
}

function masked(key: string): string {
  return `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}

function json(status: number, value: unknown, headers: Record<string, string>): ApiResponse {
  return { status, body: JSON.stringify(value, asReturnedByStripe, 2), headers };
}

function errorResponse(error: StripeApiError, headers: Record<string, string>): ApiResponse {
  const extra: Record<string, string> = { ...headers };
  if (error.status >= 400 && error.status < 500 && error.status !== 409 && error.status !== 429) {
    extra["stripe-should-retry"] = "false";
  }
  return json(error.status, error.toJSON(), extra);
}

/** Stripe's 429 for too many requests: an invalid_request_error with code rate_limit. */
function rateLimitError(): StripeApiError {
  return new StripeApiError(429, {
    type: "invalid_request_error",
    code: "rate_limit",
    message:
      "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.",
  });
}

function faultError(status: number): StripeApiError {
  if (status === 429) return rateLimitError();
  if (status === 409) {
    return new StripeApiError(409, {
      type: "idempotency_error",
      code: "idempotency_key_in_use",
      message:
        "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): please retry that request in a few seconds.",
    });
  }
  return new StripeApiError(status, {
    type: "api_error",
    message: "An unknown error occurred on Stripe's end (injected by the emulator).",
  });
}

/** Serves one API request. Never throws: every failure is an answer in Stripe's envelope. */
export function handleApi(
  em: Emulator,
  traffic: Traffic,
  request: IncomingMessage,
  url: URL,
  rawBody: string,
  secretKey: string,
): ApiResponse {
  const requestId = `req_${randomBytes(7).toString("hex")}`;
  const headers: Record<string, string> = {
    "request-id": requestId,
    "stripe-version": String(request.headers["stripe-version"] ?? API_VERSION),
  };
  const key = apiKeyOf(request);
  if (!key) {
    return errorResponse(
      unauthorized(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      ),
      headers,
    );
  }
  if (key !== secretKey) {
    return errorResponse(unauthorized(`Invalid API Key provided: ${masked(key)}`), headers);
  }
  if (!traffic.admit(key, request.method ?? "GET", url.pathname)) {
    return errorResponse(rateLimitError(), headers);
  }
  const fault = em.state.faults[0];
  if (fault) {
    fault.remaining -= 1;
    if (fault.remaining <= 0) em.state.faults.shift();
    if ("status" in fault) return errorResponse(faultError(fault.status), headers);
    return { ...serve(em, request, url, rawBody, key, headers), delayMs: fault.hangMs };
  }
  return serve(em, request, url, rawBody, key, headers);
}

/** A request past the key check and the faults: an idempotent replay, or the route's answer. */
function serve(
  em: Emulator,
  request: IncomingMessage,
  url: URL,
  rawBody: string,
  key: string,
  headers: Record<string, string>,
): ApiResponse {
  const method = request.method ?? "GET";
  const requestId = headers["request-id"] ?? "";
  const idempotencyKey =
    method === "POST" ? String(request.headers["idempotency-key"] ?? "") || null : null;
  const fingerprint = `${method} ${url.pathname} ${rawBody}`;
  const storeKey = idempotencyKey ? `${key}:${idempotencyKey}` : null;
  if (storeKey && idempotencyKey) {
    headers["idempotency-key"] = idempotencyKey;
    const stored = em.state.idempotency[storeKey];
    if (stored && stored.createdAt > em.wallNow() - IDEMPOTENCY_TTL_SECONDS) {
      if (stored.fingerprint !== fingerprint) {
        return errorResponse(
          new StripeApiError(400, {
            type: "idempotency_error",
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          }),
          headers,
        );
      }
      return {
        status: stored.status,
        body: stored.body,
        headers: { ...headers, "idempotent-replayed": "true" },
      };
    }
  }
  const response = dispatch(em, method, url, rawBody, headers, { id: requestId, idempotencyKey });
  // Stripe saves the result of a request that ran: a success, or a card error whose attempt is
  // real. Requests refused by validation and failures on Stripe's side are not saved, so a retry
  // with the same key (and, after a validation error, corrected parameters) can still succeed.
  if (storeKey && (response.status < 300 || response.status === 402)) {
    em.state.idempotency[storeKey] = {
      key: storeKey,
      fingerprint,
      status: response.status,
      body: response.body,
      createdAt: em.wallNow(),
    };
  }
  return response;
}

function dispatch(
  em: Emulator,
  method: string,
  url: URL,
  rawBody: string,
  headers: Record<string, string>,
  requestInfo: { id: string; idempotencyKey: string | null },
): ApiResponse {
  const path = url.pathname.replace(/\/+$/, "");
  const candidates = ROUTES.filter((candidate) => candidate.pattern.test(path));
  const matched = candidates.find((candidate) => candidate.method === method);
  let snapshot: EmulatorState | null = null;
  try {
    if (!matched) {
      if (candidates.length > 0) {
        throw invalidRequest(
          `Unrecognized request URL (${method}: ${path}).`,
          undefined,
          "method_not_allowed",
        );
      }
      throw new StripeApiError(404, {
        type: "invalid_request_error",
        message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      });
    }
    const query = url.search.length > 1 ? url.search.slice(1) : "";
    const params = parseForm(method === "POST" ? rawBody : query);
    if (method === "POST" && query) Object.assign(params, parseForm(query));
    em.request = requestInfo;
    snapshot = method === "GET" ? null : structuredClone(em.state);
    const ids = matched.pattern.exec(path)?.slice(1) ?? [];
    const result = matched.handler({ em, method, path, params, ids });
    return json(200, result, headers);
  } catch (error) {
    // A request that fails changes nothing, as at Stripe; a declined charge is the exception:
    // the failed attempt and its event are real.
    const keepsChanges = error instanceof StripeApiError && error.status === 402;
    if (snapshot && !keepsChanges) em.state = snapshot;
    if (error instanceof StripeApiError) return errorResponse(error, headers);
    return errorResponse(
      new StripeApiError(500, {
        type: "api_error",
        message: `The emulator failed on this request: ${error instanceof Error ? error.message : String(error)}`,
      }),
      headers,
    );
  } finally {
    em.request = null;
    em.changed();
  }
}
