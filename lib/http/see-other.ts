import "server-only";
import { env } from "@/lib/env";

/**
 * The answer to a plain HTML form post: 303 See Other, so the browser follows with a GET.
 * `location` is an absolute URL (Stripe's pages) or a path on this site.
 */
export function seeOther(location: string): Response {
  const url = location.startsWith("/") ? `${env().FRONTEND_URL}${location}` : location;
  return new Response(null, {
    status: 303,
    headers: { Location: url, "Cache-Control": "no-store" },
  });
}
