/** A hosted page's request, and the answers a page gives: a document, a redirect, a 404. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Emulator } from "../context";
import type { SafeHtml } from "./html";
import { messagePage } from "./shell";

export interface PageRequest {
  em: Emulator;
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  body: string;
}

const SECURITY_HEADERS = {
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'",
  // Not no-referrer: under it a browser sends `Origin: null` with form posts.
  "referrer-policy": "same-origin",
  "x-content-type-options": "nosniff",
};

export function sendHtml(response: ServerResponse, status: number, document: SafeHtml): void {
  response.writeHead(status, { "content-type": "text/html; charset=utf-8", ...SECURITY_HEADERS });
  response.end(document.value);
}

/** Post/Redirect/Get. */
export function redirect(response: ServerResponse, location: string): void {
  response.writeHead(303, { location, "cache-control": "no-store" });
  response.end();
}

export function sendNotFound(response: ServerResponse, message: string): void {
  sendHtml(response, 404, messagePage("Page not found", message));
}

/**
 * Whether a POST may act: no Origin (a program, not a browser) or this server's own. A form
 * posted from another site (or an opaque origin) is refused.
 */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
