/**
 * Where to send someone after signing in. Only a path on this site is ever returned: anything
 * else (another origin, a protocol-relative `//host`, a backslash trick, `javascript:`, garbage)
 * gives the fallback. An absolute URL on this site's own origin is reduced to its path, since
 * Auth.js hands those over in `callbackUrl`.
 *
 * Pure: safe to use in client components, the proxy and server code alike.
 */
export const DEFAULT_RETURN_PATH = "/account";

export function safeReturnPath(
  target: unknown,
  siteOrigin: string,
  fallback: string = DEFAULT_RETURN_PATH,
): string {
  if (typeof target !== "string" || target.length === 0 || target.length > 2048) return fallback;
  // Browsers treat "\" like "/" and drop tabs and newlines in URLs, so "/\evil.example" and
  // "/\t/evil.example" would leave the site; refuse them outright.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
  if (/[\\\u0000-\u001f\u007f]/.test(target)) return fallback;

  let origin: string;
  try {
    origin = new URL(siteOrigin).origin;
  } catch {
    return fallback;
  }

  const isPath = target.startsWith("/") && !target.startsWith("//");
  if (!isPath && !/^https?:\/\//i.test(target)) return fallback;

  let url: URL;
  try {
    url = new URL(target, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== origin) return fallback;

  const path = `${url.pathname}${url.search}${url.hash}`;
  // A path that normalises to "//host" would be protocol-relative once used as a Location.
  if (path.startsWith("//")) return fallback;
  return path;
}
