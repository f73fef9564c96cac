// GET/POST /api/auth/* — Auth.js (sign-in, callbacks, sign-out, session, CSRF).
import type { NextRequest } from "next/server";
import { getDb } from "@/db";
import { handlers } from "@/lib/auth/auth";
import { errorResponse } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";

export const { GET } = handlers;

/** Password sign-in is limited inside `authorize`; magic-link requests are limited here. */
export async function POST(request: NextRequest): Promise<Response> {
  if (request.nextUrl.pathname.endsWith("/signin/nodemailer")) {
    try {
      await enforceRateLimit(await getDb(), RATE_LIMITS.magicLinkByIp, clientIp(request.headers));
    } catch (error) {
      return errorResponse(error);
    }
  }
  return handlers.POST(request);
}
