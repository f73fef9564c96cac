import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { IncomingMessage } from "node:http";

/**
 * Node publishes every request a `node:http` server receives on this channel, synchronously,
 * before the server's 'request' listener (Next's) runs.
 */
const REQUEST_START = "http.server.request.start";

function onRequestStart(message: unknown): void {
  if (typeof message !== "object" || message === null || !("request" in message)) return;
  const { request } = message;
  if (!(request instanceof IncomingMessage)) return;
  const address = request.socket.remoteAddress;
  if (address) request.headers["x-forwarded-for"] = address;
  else delete request.headers["x-forwarded-for"];
}

/**
 * For a server reached directly (TRUSTED_PROXY_HOPS=0): makes X-Forwarded-For the address of
 * the connection, whatever the client sent, so `clientIp` reads the real peer. Without it a
 * client could name any address, because `next start` fills the header from the socket only
 * when it is absent. Covers every `node:http` server of the process from the moment it is
 * called; requests that arrive while Next is still starting (before instrumentation runs) keep
 * their header. Returns a function that stops it.
 */
export function forwardSocketAddress(): () => void {
  subscribe(REQUEST_START, onRequestStart);
  return () => {
    unsubscribe(REQUEST_START, onRequestStart);
  };
}
