import { env } from "@/lib/env";

/**
 * The address a request came from, for rate limits and sign-in lockout. `hops` is
 * TRUSTED_PROXY_HOPS, the number of proxies in front of the app that append the address they
 * saw to X-Forwarded-For:
 *
 *   client → proxy 1 → … → proxy N → app      X-Forwarded-For: <claimed…>, client, p1, …, pN-1
 *
 * so the client is the N-th entry from the right; entries left of it are whatever the client
 * claimed and are never used. With 0 hops the app is reached directly and the client is the
 * connection's own address: Next 16 gives route handlers no socket, and `next start` writes the
 * socket address into X-Forwarded-For only when the request carries none, so at start-up
 * (instrumentation-node.ts) `forwardSocketAddress` replaces the header with the
 * socket address before Next sees it; its one entry is then the last. A chain shorter than
 * `hops` (a request that bypassed a proxy) gives its leftmost entry. "unknown" when the header
 * is missing or empty, which `next start` never lets happen.
 */
export function clientIp(headers: Headers, hops: number = env().TRUSTED_PROXY_HOPS): string {
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const index = Math.max(0, entries.length - Math.max(1, hops));
  return entries[index] ?? "unknown";
}
