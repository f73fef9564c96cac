import "server-only";
import { sql } from "drizzle-orm";
import { type Database, selectRows } from "@/db";
import { rateLimits } from "@/db/schema";
import { AppError } from "./errors";

/**
 * A fixed-window rate limiter kept in Postgres, so every app instance shares the same counts.
 * One atomic upsert per call: the first hit in a window resets the row, later hits increment
 * it, and concurrent calls cannot both slip under the limit. A burst at a window boundary can
 * reach twice the limit across the two windows; that is the accepted price of one row per key.
 */
export interface RateLimitRule {
  /** What is limited, e.g. "sign-in:ip". Combined with the subject into the row's key. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  retryAfterSeconds: number;
}

/** Rows whose window started longer ago than this are deleted by the hourly cleanup job. */
const KEEP_ROWS_MS = 24 * 60 * 60 * 1000;

/** The row key and the start of the fixed window `now` falls in. */
function windowOf(rule: RateLimitRule, subject: string, now: Date) {
  const windowMs = rule.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  return { key: `${rule.name}:${subject}`, windowMs, windowStart };
}

/**
 * Counts `weight` hits (default 1) for the subject: a call carrying n items spends n of the
 * limit at once. Refused hits count too, as in any fixed window.
 */
export async function hitRateLimit(
  db: Database,
  rule: RateLimitRule,
  subject: string,
  now: Date = new Date(),
  weight = 1,
): Promise<RateLimitResult> {
  if (!Number.isSafeInteger(weight) || weight < 1) {
    throw new Error(`a rate-limit hit weighs a whole number of 1 or more, not ${weight}`);
  }
  const { key, windowMs, windowStart } = windowOf(rule, subject, now);

  const [row] = await selectRows<{ count: number }>(
    db,
    sql`insert into ${rateLimits} (key, window_start, count)
        values (${key}, ${windowStart.toISOString()}, ${weight})
        on conflict (key) do update set
          count = case when ${rateLimits.windowStart} = excluded.window_start
                       then ${rateLimits.count} + excluded.count else excluded.count end,
          window_start = excluded.window_start
        returning count`,
  );
  const count = Number(row?.count ?? weight);

  const resetsAt = windowStart.getTime() + windowMs;
  return {
    allowed: count <= rule.limit,
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - count),
    retryAfterSeconds: Math.max(1, Math.ceil((resetsAt - now.getTime()) / 1000)),
  };
}

/**
 * Deletes the rows of windows that started more than a day ago (no limit has a longer
 * window); the `rate-limit-cleanup` job runs it hourly. Returns how many went.
 */
export async function deleteExpiredRateLimits(
  db: Database,
  now: Date = new Date(),
): Promise<number> {
  const cutoff = new Date(now.getTime() - KEEP_ROWS_MS);
  const gone = await selectRows<{ key: string }>(
    db,
    sql`delete from ${rateLimits} where window_start < ${cutoff.toISOString()} returning key`,
  );
  return gone.length;
}

/**
 * Takes back one hit of the current window, for limits that count only failures: the attempt
 * is counted before it runs (so concurrent attempts cannot all slip under the limit) and
 * refunded when it succeeds or was refused without running. A row at one hit is deleted (the
 * table keeps counts above zero).
 */
export async function refundRateLimit(
  db: Database,
  rule: RateLimitRule,
  subject: string,
  now: Date = new Date(),
): Promise<void> {
  const { key, windowStart: start } = windowOf(rule, subject, now);
  const windowStart = start.toISOString();
  await db.execute(
    sql`with gone as (
          delete from ${rateLimits}
          where key = ${key} and window_start = ${windowStart} and count = 1
        )
        update ${rateLimits} set count = count - 1
        where key = ${key} and window_start = ${windowStart} and count > 1`,
  );
}

/** `hitRateLimit`, throwing a 429 AppError (with Retry-After) when the limit is passed. */
export async function enforceRateLimit(
  db: Database,
  rule: RateLimitRule,
  subject: string,
  now?: Date,
): Promise<void> {
  const result = await hitRateLimit(db, rule, subject, now);
  if (!result.allowed) throw rateLimitedError(result.retryAfterSeconds);
}

/** The 429 for a passed limit; `what` opens the message (default "Too many attempts."). */
export function rateLimitedError(retryAfterSeconds: number, what = "Too many attempts."): AppError {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new AppError(
    "rate_limited",
    `${what} Try again in ${minutes === 1 ? "a minute" : `${minutes} minutes`}.`,
    {
      details: { retryAfter: retryAfterSeconds },
      headers: { "Retry-After": String(retryAfterSeconds) },
    },
  );
}

/** The limits Tollgate applies. */
export const RATE_LIMITS = {
  /**
   * Failed password sign-ins (lib/auth/sign-in-lockout.ts): tight per email and address, so a
   * guesser is stopped quickly; looser per email alone, so guessing from many addresses is
   * bounded too while one attacker cannot lock the owner out from the owner's own address; and
   * per address, against one address spraying many emails. Sign-in links are never limited by
   * these.
   */
  signInFailuresByEmailAndIp: {
    name: "sign-in-failures:email-ip",
    limit: 5,
    windowSeconds: 15 * 60,
  },
  signInFailuresByEmail: { name: "sign-in-failures:email", limit: 50, windowSeconds: 15 * 60 },
  signInFailuresByIp: { name: "sign-in-failures:ip", limit: 100, windowSeconds: 15 * 60 },
  /** Emails with a verification link, per user. */
  emailVerificationSend: { name: "email-verification:send", limit: 5, windowSeconds: 60 * 60 },
  /** Setting or changing a password, per user (each try checks the current password). */
  passwordChange: { name: "password:change", limit: 10, windowSeconds: 15 * 60 },
  signUpByIp: { name: "sign-up:ip", limit: 10, windowSeconds: 60 * 60 },
  magicLinkByIp: { name: "magic-link:ip", limit: 10, windowSeconds: 60 * 60 },
  /** Re-sending one invitation's email, per invitation (each re-send mails the address). */
  invitationResend: { name: "invitation:resend", limit: 5, windowSeconds: 60 * 60 },
  /** New invitations, per inviting user: each one mails an address the inviter chose. */
  invitationCreate: { name: "invitation:create", limit: 50, windowSeconds: 60 * 60 },
  workspaceCreate: { name: "workspace:create", limit: 20, windowSeconds: 60 * 60 },
  apiKeyCreate: { name: "api-key:create", limit: 20, windowSeconds: 60 * 60 },
  checkout: { name: "checkout", limit: 20, windowSeconds: 10 * 60 },
  /** Portal sessions, plan changes and their previews, cancel, resume: each calls Stripe. */
  billing: { name: "billing", limit: 60, windowSeconds: 10 * 60 },
  /** POST /api/usage per user: ten calls a second on average; a batch carries 1,000 records. */
  usage: { name: "usage", limit: 600, windowSeconds: 60 },
} as const satisfies Record<string, RateLimitRule>;
