import { isIPv4, isIPv6 } from "node:net";
import { env } from "@/lib/env";

/**
 * The address a request came from. `hops` is TRUSTED_PROXY_HOPS, the number of proxies in
 * front of the app that append the address they saw to X-Forwarded-For:
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

/**
 * What rate limits and the sign-in lockout count a request's address as (`clientNetwork`): an
 * IPv4 address itself, an IPv6 address its /64 (`2001:db8:0:1::/64`). One subscriber is
 * usually given a whole /64 and may use any address in it, so counting single IPv6 addresses
 * would hand each client 2^64 fresh budgets. An IPv4-mapped IPv6 address counts as its IPv4
 * address; a port or brackets that a proxy wrote are dropped. Anything else is kept as it is.
 */
export function rateLimitNetwork(address: string): string {
  const bare = address.match(/^\[([^\]]+)\](?::\d+)?$/)?.[1] ?? address;
  const v4WithPort = bare.match(/^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/)?.[1];
  if (v4WithPort && isIPv4(v4WithPort)) return v4WithPort;
  const groups = ipv6Groups(bare.split("%")[0] ?? "");
  if (!groups) return address;
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) {
    return [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  if (!isIPv6(address)) return null;
  let text = address.toLowerCase();
  const v4Tail = text.match(/(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (v4Tail) {
    const [a, b, c, d] = v4Tail.slice(1).map(Number);
    const high = (((a ?? 0) << 8) | (b ?? 0)).toString(16);
    const low = (((c ?? 0) << 8) | (d ?? 0)).toString(16);
    text = `${text.slice(0, v4Tail.index)}${high}:${low}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array.from({ length: missing }, () => "0"), ...right].map((group) =>
    Number.parseInt(group, 16),
  );
}

/** The client's address as rate limits and the sign-in lockout count it. */
export function clientNetwork(headers: Headers, hops?: number): string {
  return rateLimitNetwork(clientIp(headers, hops));
}
