import "server-only";
import type { Database } from "@/db";
import { hitRateLimit, RATE_LIMITS, type RateLimitRule, refundRateLimit } from "@/lib/rate-limit";

export type LockoutOutcome<T> =
  | { status: "done"; result: T }
  | { status: "locked"; retryAfterSeconds: number };

/**
 * Runs one password check under the sign-in lockout (the three `signInFailures*` limits in
 * RATE_LIMITS). Each counter is taken before the check runs, so concurrent guesses cannot all
 * pass, and given back when the check succeeds (`attempt` returns non-null) or does not run:
 * only failures count, and a refused attempt never adds to a counter (else one locked-out
 * guesser could push the looser per-email counter up and lock the owner out everywhere).
 * Magic links and OAuth never pass through here, so they always still work.
 */
export async function withSignInLockout<T>(
  db: Database,
  subject: { email: string; ip: string },
  attempt: () => Promise<T | null>,
  now: Date = new Date(),
): Promise<LockoutOutcome<T | null>> {
  const counters: [RateLimitRule, string][] = [
    [RATE_LIMITS.signInFailuresByEmailAndIp, `${subject.email}|${subject.ip}`],
    [RATE_LIMITS.signInFailuresByEmail, subject.email],
    [RATE_LIMITS.signInFailuresByIp, subject.ip],
  ];
  const refundAll = () =>
    Promise.all(counters.map(([rule, key]) => refundRateLimit(db, rule, key, now)));

  const hits = await Promise.all(counters.map(([rule, key]) => hitRateLimit(db, rule, key, now)));
  const refused = hits.filter((hit) => !hit.allowed);
  if (refused.length > 0) {
    await refundAll();
    return {
      status: "locked",
      retryAfterSeconds: Math.max(...refused.map((hit) => hit.retryAfterSeconds)),
    };
  }
  let result: T | null;
  try {
    result = await attempt();
  } catch (error) {
    await refundAll();
    throw error;
  }
  if (result !== null) await refundAll();
  return { status: "done", result };
}
