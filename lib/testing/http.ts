/**
 * Helpers for route-handler tests: requests as a browser or a program would send them, and a
 * real Auth.js session cookie (encoded with the test AUTH_SECRET, as Auth.js itself does).
 */
import { encode } from "next-auth/jwt";
import type { UserRole } from "@/db/schema";

export const TEST_ORIGIN = "http://localhost:3000";
export const SESSION_COOKIE = "authjs.session-token";

export async function sessionCookie(user: {
  id: string;
  role?: UserRole;
  /** The session version the token carries (lib/auth/session.ts); 0 when left out. */
  sessionVersion?: number;
}): Promise<string> {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("tests need AUTH_SECRET (set in vitest.config.ts)");
  const token = await encode({
    token: { sub: user.id, role: user.role ?? "user", sv: user.sessionVersion ?? 0 },
    secret,
    salt: SESSION_COOKIE,
  });
  return `${SESSION_COOKIE}=${token}`;
}

export interface TestRequestInit {
  method?: string;
  /** Sent as JSON unless it is already a string. */
  body?: unknown;
  cookie?: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

export function testRequest(path: string, init: TestRequestInit = {}): Request {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set("cookie", init.cookie);
  if (init.apiKey) headers.set("authorization", `Bearer ${init.apiKey}`);
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return new Request(new URL(path, TEST_ORIGIN), {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
}

export function noParams(): { params: Promise<Record<string, never>> } {
  return { params: Promise.resolve({}) };
}

export function withParams<P extends Record<string, string>>(params: P): { params: Promise<P> } {
  return { params: Promise.resolve(params) };
}

/** A form as a browser posts it to a server action. */
export function testForm(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}
