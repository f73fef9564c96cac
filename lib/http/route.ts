import "server-only";
import {
  type Caller,
  callerFromRequest,
  type SessionCaller,
  sessionCallerFromRequest,
} from "@/lib/auth/session";
import { AppError, errorResponse } from "@/lib/errors";
import { assertSameOrigin } from "./request";

/**
 * The one wrapper for route handlers: origin check for state-changing methods, then who is
 * calling (`access`), then the handler; any thrown error becomes the JSON error response.
 *
 *   public       anyone
 *   user         a signed-in session
 *   user-or-key  a signed-in session or `Authorization: Bearer <API key>`
 *   admin        a signed-in admin (403 for other users)
 */
export type Access = "public" | "user" | "user-or-key" | "admin";

type Params = Record<string, string | string[] | undefined>;

export interface RouteContext<P extends Params> {
  request: Request;
  params: P;
}

/** Who the handler hears from: nobody in particular, a session, or a session or an API key. */
type CallerOf<A extends Access> = A extends "public"
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
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    try {
      assertSameOrigin(request);
      const params = await context.params;
      if (access === "public") {
        return await (handler as Handler<"public", P>)({ request, params, caller: null });
      }
      if (access === "user-or-key") {
        const caller = await callerFromRequest(request);
        return await (handler as Handler<"user-or-key", P>)({ request, params, caller });
      }
      const caller = await sessionCallerFromRequest(request);
      if (access === "admin" && caller.user.role !== "admin") {
        throw new AppError("forbidden", "This needs an admin.");
      }
      return await (handler as Handler<"user", P>)({ request, params, caller });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
