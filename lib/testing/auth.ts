/**
 * Sign-ins through Auth.js's real handlers, behind the app's own route handler
 * (app/api/auth/[...nextauth]/route.ts), for database tests: a password sign-in as the
 * sign-in form posts it, and a sign-in link followed as from the email (the link's token is
 * written the way Auth.js's Email provider stores it, as its mail would carry it).
 */
import { createHash, randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import { GET, POST } from "@/app/api/auth/[...nextauth]/route";
import { GET as meRoute } from "@/app/api/me/route";
import type { Database } from "@/db";
import { verificationTokens } from "@/db/schema";
import { noParams, SESSION_COOKIE, TEST_ORIGIN, testRequest } from "./http";

export interface SignInAnswer {
  /** Where Auth.js sent the browser. */
  location: string;
  /** `authjs.session-token=…` when a session was issued. */
  cookie: string | null;
}

/** Where a sign-in response sends the browser, and the session cookie it sets. */
export function signInAnswer(response: Response): SignInAnswer {
  const session = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .find(
      (pair) => pair.startsWith(`${SESSION_COOKIE}=`) && pair.length > SESSION_COOKIE.length + 1,
    );
  return { location: response.headers.get("location") ?? "", cookie: session ?? null };
}

/** A CSRF token and the cookie that goes with it, as a browser gets them before posting. */
export async function authCsrf(
  origin: string = TEST_ORIGIN,
): Promise<{ csrfToken: string; cookie: string }> {
  const csrf = await GET(new NextRequest(`${origin}/api/auth/csrf`));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  return { csrfToken, cookie };
}

export async function passwordSignIn(input: {
  email: string;
  password: string;
  ip: string;
}): Promise<SignInAnswer> {
  const { csrfToken, cookie } = await authCsrf();
  const response = await POST(
    new NextRequest(`${TEST_ORIGIN}/api/auth/callback/credentials`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie,
        "x-forwarded-for": input.ip,
      },
      body: new URLSearchParams({
        csrfToken,
        email: input.email,
        password: input.password,
        callbackUrl: "/account",
      }),
    }),
  );
  return signInAnswer(response);
}

/** Follows a sign-in link for `email`, on `origin` (the host the request names). */
export async function signInWithLink(
  db: Database,
  email: string,
  origin: string = TEST_ORIGIN,
): Promise<SignInAnswer> {
  const token = randomBytes(16).toString("hex");
  const secret = process.env.AUTH_SECRET ?? "";
  await db.insert(verificationTokens).values({
    identifier: email,
    token: createHash("sha256").update(`${token}${secret}`).digest("hex"),
    expires: new Date(Date.now() + 60_000),
  });
  const query = new URLSearchParams({ token, email, callbackUrl: "/account" });
  return signInAnswer(
    await GET(new NextRequest(`${origin}/api/auth/callback/nodemailer?${query}`)),
  );
}

/** Who /api/me says a session cookie belongs to, or the HTTP status it refused with. */
export async function whoAmI(
  cookie: string | null,
): Promise<{ id: string; role: string } | number> {
  const response = await meRoute(testRequest("/api/me", { cookie: cookie ?? "" }), noParams());
  if (response.status !== 200) return response.status;
  const body = (await response.json()) as { user: { id: string; role: string } };
  return body.user;
}
