import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { getDb } from "@/db";
import {
  type Caller,
  callerFromRequest,
  type SessionCaller,
  sessionCallerFromRequest,
} from "@/lib/auth/session";
import { env } from "@/lib/env";
import { AppError, errorResponse } from "@/lib/errors";
import { enforceRateLimit, type RateLimitRule } from "@/lib/rate-limit";
import { clientNetwork } from "./client-ip";
import { assertSameOrigin } from "./request";

/**
 * The one wrapper for route handlers, in this order: the origin check for state-changing
 * methods, then who is calling (`access`), then the rate limit, then the handler; any thrown
 * error becomes the JSON error response (`errorResponse`).
 *
 *   public       anyone
 *   user         a signed-in session
 *   user-or-key  a signed-in session or `Authorization: Bearer <API key>`
 *   admin        a signed-in admin (403 for other users, 404 when `hidden`)
 *   cron         `Authorization: Bearer <CRON_SECRET>`, the header Vercel Cron sends (401 for a
 *                missing or wrong secret; without CRON_SECRET the route does not exist: 404)
 */
export type Access = "public" | "user" | "user-or-key" | "admin" | "cron";

export interface RouteOptions {
  /**
   * Charged once the origin and the caller are checked, before the handler runs: per user, or
   * per client address for `public` and `cron` routes. Past it: 429 with Retry-After.
   */
  rateLimit?: RateLimitRule;
  /**
   * For admin routes that must not announce themselves, as the admin pages do not: a signed-in
   * user who is not an admin is answered 404 instead of 403. (Without a session it is still 401,
   * as the pages send such a visitor to sign in.)
   */
  hidden?: boolean;
}

type Params = Record<string, string | string[] | undefined>;

export interface RouteContext<P extends Params> {
  request: Request;
  params: P;
}

/**
 * Who the handler is told is calling: nobody in particular for `public` and `cron`, a session or
 * an API key for `user-or-key`, a session (with its version) otherwise.
 */
type CallerOf<A extends Access> = A extends "public" | "cron"
  ? null
  : A extends "user-or-key"
    ? Caller
    : SessionCaller;

type Handler<A extends Access, P extends Params> = (
  context: RouteContext<P> & { caller: CallerOf<A> },
) => Promise<Response>;

export function route<A extends Access, P extends Params = Record<string, never>>(
  access: A,
  handler: Handler<A, P>,
  options: RouteOptions = {},
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    try {
      assertSameOrigin(request);
      const params = await context.params;
      const caller = await callerOf(access, request, options);
      if (options.rateLimit) {
        const subject = caller?.user.id ?? clientNetwork(request.headers);
        await enforceRateLimit(await getDb(), options.rateLimit, subject);
      }
      return await handler({ request, params, caller: caller as CallerOf<A> });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

async function callerOf(
  access: Access,
  request: Request,
  { hidden = false }: RouteOptions,
): Promise<Caller | null> {
  switch (access) {
    case "public":
      return null;
    case "cron":
      assertCronSecret(request);
      return null;
    case "user-or-key":
      return callerFromRequest(request);
    case "user":
      return sessionCallerFromRequest(request);
    case "admin": {
      const caller = await sessionCallerFromRequest(request);
      if (caller.user.role === "admin") return caller;
      throw hidden
        ? new AppError("not_found", "Not found.")
        : new AppError("forbidden", "This needs an admin.");
    }
  }
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** Lets a cron job through; the comparison takes the same time whatever the secret and the guess. */
function assertCronSecret(request: Request): void {
  const secret = env().CRON_SECRET;
  if (!secret) throw new AppError("not_found", "Not found.");
  const header = request.headers.get("authorization") ?? "";
  const given = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
  if (!timingSafeEqual(digest(given), digest(secret))) {
    throw new AppError("unauthorized", "Send the cron secret as: Authorization: Bearer <secret>.");
  }
}
