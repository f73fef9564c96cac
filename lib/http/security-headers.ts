/**
 * The security headers of every response the app serves (pages, route handlers, redirects and
 * 404s alike). proxy.ts sets them on pages and everything outside /api, with a fresh nonce per
 * response; next.config.ts sets them on /api, whose JSON needs no script at all. Pure, so both
 * and the unit tests build exactly the same.
 *
 * Page scripts run only with the response's nonce: Next puts it on its own scripts when it finds
 * it in the `Content-Security-Policy` request header (which is why every page renders per
 * request, see app/layout.tsx), and `'strict-dynamic'` lets those scripts load their chunks.
 * Styles allow `'unsafe-inline'`: React writes `style` attributes (bar widths), which nonces do
 * not cover, and CSS cannot run code.
 */

export interface PagePolicyOptions {
  /** FRONTEND_URL: an https address upgrades stray http subresources. */
  frontendUrl: string;
  /** A fresh, unguessable value per response (`createNonce`). */
  nonce: string;
  /** `next dev`: React's development build evaluates code (`eval`) for its tooling. */
  development: boolean;
}

/** Route handlers answer JSON, CSV or redirects: nothing in them may load or run anything. */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** Two years, as hstspreload.org asks; subdomains of the app's own host included. */
const HSTS = "max-age=63072000; includeSubDomains";

/** Browser features the app never uses, turned off for it and anything it might embed. */
const PERMISSIONS_POLICY = [
  "camera=()",
  "microphone=()",
  "geolocation=()",
  "usb=()",
  "serial=()",
  "hid=()",
  "browsing-topics=()",
].join(", ");

/** 16 random bytes in base64: the `'nonce-…'` form Next reads back from the policy. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

function isHttps(frontendUrl: string): boolean {
  return new URL(frontendUrl).protocol === "https:";
}

/** The policy of a page (and of whatever else proxy.ts sees: redirects, 404s). */
export function contentSecurityPolicy({
  frontendUrl,
  nonce,
  development,
}: PagePolicyOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ];
  if (isHttps(frontendUrl)) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** Every security header, with `policy` as the Content-Security-Policy, as `[name, value]` pairs. */
export function securityHeaders(frontendUrl: string, policy: string): [string, string][] {
  const headers: [string, string][] = [
    ["Content-Security-Policy", policy],
    ["X-Frame-Options", "DENY"],
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "strict-origin-when-cross-origin"],
    ["Permissions-Policy", PERMISSIONS_POLICY],
  ];
  // Only over https: a browser ignores HSTS on http, and a local http setup must stay usable.
  if (isHttps(frontendUrl)) headers.push(["Strict-Transport-Security", HSTS]);
  return headers;
}
