import "server-only";
import { env } from "@/lib/env";

/**
 * True when a browser's navigation (a GET that is about to cost something) was started by
 * another site: `Sec-Fetch-Site` says `cross-site`, or `same-site` (a sibling subdomain is still
 * someone else's page); or, from a browser that sends no fetch metadata, the `Referer` is of
 * another origin. A typed address or a bookmark (`none`), our own pages (`same-origin`) and
 * programs that send neither header are not foreign. Such a GET should show a confirmation
 * that posts, never act.
 */
export function isForeignNavigation(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "cross-site" || site === "same-site";
  const referer = request.headers.get("referer");
  if (!referer || !URL.canParse(referer)) return false;
  const ours = new Set([new URL(env().FRONTEND_URL).origin, new URL(request.url).origin]);
  return !ours.has(new URL(referer).origin);
}
