/**
 * DNS rebinding guard. A web page on any site can point a name it controls at 127.0.0.1 and then
 * talk to the emulator from the visitor's browser as if it were that site; the browser still
 * sends the attacker's name as `Host`. So the emulator answers only requests addressed to a
 * loopback name (`localhost`, `127.x.x.x`, `[::1]`, any port) or to the address it was told to
 * listen on.
 */

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
/** A Host header: a name, an IPv4 address or a bracketed IPv6 address, then an optional port. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[^:[\]/@\s]+)(:\d{1,5})?$/i;

/** True when `host` (the request's Host header) names this machine's loopback or `listenHost`. */
export function isAllowedHost(host: string | undefined, listenHost: string): boolean {
  const name = host === undefined ? undefined : HOST_HEADER.exec(host)?.[1]?.toLowerCase();
  if (!name) return false;
  if (LOOPBACK.test(name)) return true;
  const wildcard = listenHost === "0.0.0.0" || listenHost === "::";
  const listening = listenHost.includes(":") ? `[${listenHost}]` : listenHost;
  return !wildcard && name === listening.toLowerCase();
}
