// GET/POST /api/auth/* — Auth.js (sign-in, callbacks, sign-out, session, CSRF).
import type { NextRequest } from "next/server";
import { getDb } from "@/db";
import { handlers } from "@/lib/auth/auth";
import { expireCookies, withoutEndedSession } from "@/lib/auth/session-cookie";
import { errorResponse } from "@/lib/errors";
import { clientNetwork } from "@/lib/http/client-ip";
import { assertSameOrigin } from "@/lib/http/request";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";

/**
 * Before Auth.js sees a request: a cross-site POST is refused (Auth.js's CSRF token would
 * refuse it too, but only after the sign-in-link limit below was charged, so any page could
 * spend a network's links); a sign-in-link request is counted against its network's limit
 * (password sign-ins are limited inside `authorize`); and an ended session's cookie is taken
 * off and expired, since Auth.js would otherwise answer with that session or link an OAuth
 * account to its user (lib/auth/session-cookie.ts).
 */
async function handle(
  request: NextRequest,
  handler: (request: NextRequest) => Promise<Response>,
): Promise<Response> {
  try {
    assertSameOrigin(request);
    const db = await getDb();
    if (request.method === "POST" && request.nextUrl.pathname.endsWith("/signin/nodemailer")) {
      await enforceRateLimit(db, RATE_LIMITS.magicLinkByIp, clientNetwork(request.headers));
    }
    const { request: forwarded, ended } = await withoutEndedSession(db, request);
    return expireCookies(await handler(forwarded), ended);
  } catch (error) {
    return errorResponse(error);
  }
}

export function GET(request: NextRequest): Promise<Response> {
  return handle(request, handlers.GET);
}

export function POST(request: NextRequest): Promise<Response> {
  return handle(request, handlers.POST);
}
