/**
 * One error type for everything the app refuses on purpose. Each code maps to one HTTP status;
 * route handlers answer `{ "error": { "code", "message", ... } }` through `errorResponse`.
 * A database that cannot be reached (or a connection to it lost) is answered 503 with
 * Retry-After, so clients and Stripe come back. Anything else that is not an AppError (or a zod
 * error) is a bug: it is logged with its stack and answered with a generic 500 that reveals
 * nothing.
 */
import { ZodError } from "zod";
import { databaseUnavailable } from "@/db/unavailable";
import { errorReason } from "./error-reason";
import { log } from "./log";

export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  /** Billing: the plan has no price (Free). */
  plan_not_purchasable: 400,
  unauthorized: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  /** Billing: the user has no Stripe customer yet (never started a checkout). */
  no_customer: 404,
  /** Billing: the user has no subscription to change, cancel or resume. */
  no_subscription: 404,
  method_not_allowed: 405,
  conflict: 409,
  /** Billing: the user already has the plan and period asked for. */
  already_on_plan: 409,
  /** Billing: checkout for a user who already pays for another plan (change it instead). */
  subscription_exists: 409,
  /** A link that worked once and no longer does: an invitation expired, revoked or used. */
  gone: 410,
  payload_too_large: 413,
  validation_failed: 422,
  rate_limited: 429,
  limit_exceeded: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string } & Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Extra fields placed beside code and message in the JSON body (e.g. failing fields). */
  readonly details: Record<string, unknown> | undefined;
  /** Extra response headers, such as Retry-After. */
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      details?: Record<string, unknown>;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** The failing fields of a zod error as `{ path, message }`, path joined with dots. */
export function zodFields(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}

/**
 * Turns any thrown value into an AppError: an unreachable database becomes `unavailable`, other
 * unknown errors `internal`; both are logged.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    return new AppError("validation_failed", "The request is not valid.", {
      details: { fields: zodFields(error) },
      cause: error,
    });
  }
  const unavailable = databaseUnavailable(error);
  if (unavailable) {
    // One line per failed request while the database is away: the cause, not the stack.
    log.warn({ reason: errorReason(error) }, "database unavailable");
    return new AppError("unavailable", "The database is unavailable. Please try again shortly.", {
      headers: { "Retry-After": String(unavailable.retryAfterSeconds) },
      cause: error,
    });
  }
  log.error({ err: error }, "unhandled error");
  return new AppError("internal", "Something went wrong on our side. Please try again.", {
    cause: error,
  });
}

export function errorBody(error: AppError): ErrorBody {
  return { error: { ...error.details, code: error.code, message: error.message } };
}

/** The JSON response for any thrown value. */
export function errorResponse(error: unknown): Response {
  const appError = toAppError(error);
  return Response.json(errorBody(appError), {
    status: appError.status,
    headers: appError.headers,
  });
}
