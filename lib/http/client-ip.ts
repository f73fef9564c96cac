/**
 * The address a request came from, for rate limiting: the last entry of X-Forwarded-For, which
 * is the one the nearest proxy wrote (earlier entries are whatever the client claimed). `next
 * start` fills the header with the socket address only when it is absent, so a server exposed
 * without a proxy in front can be handed a made-up address; deploy behind one that sets the
 * header. Limits that matter more (sign-in per email) do not depend on it. "unknown" when
 * nothing says.
 */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded
    ?.split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .at(-1);
  return last || headers.get("x-real-ip")?.trim() || "unknown";
}
